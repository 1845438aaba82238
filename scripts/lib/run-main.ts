/**
 * Runs a script's `main` when the file is executed directly: exits with the code it returns, or
 * prints the error's message and exits with 2 (a usage or setup problem, not a failed run).
 */
export function runMain(module: NodeModule, main: () => Promise<number>): void {
  if (require.main !== module) return;
  main().then(
    (code) => process.exit(code),
    (error) => {
      console.error((error as Error).message);
      process.exit(2);
    },
  );
}
