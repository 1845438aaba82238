#!/usr/bin/python3
"""Independent reference values for contrastive-kit's losses and miners (src/losses).

Every loss is written here again from its paper's formula, in PyTorch float64 with explicit
loops where that makes the formula obvious, and its value and gradients (torch.autograd) are
stored with the random float32 inputs in src/losses/__fixtures__/losses.json. The TypeScript
tests read that file; they never need Python.

Run with Debian's python3-torch:  /usr/bin/python3 scripts/make-loss-fixtures.py
"""
import json
import math
import os

import torch

torch.set_default_dtype(torch.float64)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'src', 'losses', '__fixtures__', 'losses.json')


def f32(t):
    """Round to float32 (the TS side holds float32) and return float64 for exact references."""
    return t.to(torch.float32).to(torch.float64)


def randn(gen, *shape, scale=1.0):
    return f32(torch.randn(*shape, generator=gen) * scale)


def unit(x):
    return f32(x / x.norm(dim=-1, keepdim=True))


def as_list(t):
    return t.detach().tolist()


def value_and_grads(loss_fn, inputs):
    leaves = {k: v.clone().requires_grad_(True) for k, v in inputs.items()}
    loss = loss_fn(**leaves)
    grads = torch.autograd.grad(loss, list(leaves.values()))
    return loss.item(), {k: as_list(g) for k, g in zip(leaves.keys(), grads)}


# ---- the losses, from the papers -------------------------------------------------------------

def contrastive(x1, x2, similar, margin):
    n = x1.shape[0]
    total = 0.0
    for i in range(n):
        d = torch.linalg.norm(x1[i] - x2[i])
        if similar[i] == 1:
            total = total + d ** 2
        else:
            total = total + torch.clamp(margin - d, min=0) ** 2
    return total / (2 * n)


def triplet(anchor, positive, negative, margin, squared, soft_margin):
    terms = []
    for a, p, n in zip(anchor, positive, negative):
        dap = ((a - p) ** 2).sum()
        dan = ((a - n) ** 2).sum()
        if not squared:
            dap, dan = dap.sqrt(), dan.sqrt()
        terms.append(torch.nn.functional.softplus(dap - dan) if soft_margin else torch.clamp(dap - dan + margin, min=0))
    return torch.stack(terms).mean()


def tuplet(anchor, positive, negatives):
    terms = []
    for b in range(anchor.shape[0]):
        s = torch.stack([torch.exp(anchor[b] @ negatives[b, k] - anchor[b] @ positive[b]) for k in range(negatives.shape[1])]).sum()
        terms.append(torch.log1p(s))
    return torch.stack(terms).mean()


def npair(anchors, positives, l2_reg):
    n = anchors.shape[0]
    logits = anchors @ positives.T
    # log(1 + Σ_{j≠i} exp(...)) via the cross-entropy identity, the stable way PyTorch offers
    ce = torch.nn.functional.cross_entropy(logits, torch.arange(n))
    reg = l2_reg * ((anchors ** 2).sum() + (positives ** 2).sum()) / (2 * n)
    return ce + reg


def non_parametric_softmax(features, memory, indices, temperature):
    logits = features @ memory.T / temperature
    return torch.nn.functional.cross_entropy(logits, indices)


def nce(features, memory, indices, noise, temperature, normalizer):
    n = memory.shape[0]
    b_size, k = noise.shape
    q = k / n
    total = 0.0
    for b in range(b_size):
        p_pos = torch.exp(memory[indices[b]] @ features[b] / temperature) / normalizer
        total = total + torch.log(p_pos / (p_pos + q))
        for j in range(k):
            p_noise = torch.exp(memory[noise[b, j]] @ features[b] / temperature) / normalizer
            total = total + torch.log(q / (p_noise + q))
    return -total / b_size


def estimate_normalizer(features, memory, noise, temperature):
    n = memory.shape[0]
    values = torch.exp((memory[noise] * features[:, None, :]).sum(-1) / temperature)
    return (n * values.mean()).item()


def info_nce(query, key, queue, temperature):
    logits = torch.cat([(query * key).sum(1, keepdim=True), query @ queue.T], 1) / temperature
    return torch.nn.functional.cross_entropy(logits, torch.zeros(query.shape[0], dtype=torch.long))


def nt_xent(view1, view2, temperature):
    """SimCLR (Chen et al. 2020) NT-Xent: 2N views, cosine similarity, positive = the other view."""
    z = torch.cat([view1, view2])
    z = z / z.norm(dim=1, keepdim=True)
    n2 = z.shape[0]
    n = n2 // 2
    sim = z @ z.T / temperature
    total = 0.0
    for i in range(n2):
        j = (i + n) % n2
        others = torch.stack([sim[i, k] for k in range(n2) if k != i])
        total = total - (sim[i, j] - torch.logsumexp(others, 0))
    return total / n2


def sup_con(embeddings, labels, temperature):
    """Khosla et al. 2020 SupCon L_out, mean over anchors that have a positive."""
    z = embeddings / embeddings.norm(dim=1, keepdim=True)
    b = z.shape[0]
    sim = z @ z.T / temperature
    terms = []
    for i in range(b):
        positives = [p for p in range(b) if p != i and labels[p] == labels[i]]
        if not positives:
            continue
        denominator = torch.logsumexp(torch.stack([sim[i, a] for a in range(b) if a != i]), 0)
        terms.append(-torch.stack([sim[i, p] - denominator for p in positives]).mean())
    return torch.stack(terms).mean()


# ---- miners, by loops ------------------------------------------------------------------------

def distances(e, squared):
    d = ((e[:, None, :] - e[None, :, :]) ** 2).sum(-1)
    return d if squared else d.sqrt()


def batch_hard(e, labels, squared):
    d = distances(e, squared)
    out = {'anchors': [], 'positives': [], 'negatives': []}
    b = len(labels)
    for a in range(b):
        pos = [p for p in range(b) if p != a and labels[p] == labels[a]]
        neg = [n for n in range(b) if labels[n] != labels[a]]
        if not pos or not neg:
            continue
        out['anchors'].append(a)
        out['positives'].append(max(pos, key=lambda p: d[a, p].item()))
        out['negatives'].append(min(neg, key=lambda n: d[a, n].item()))
    return out


def semi_hard(e, labels, margin, squared):
    d = distances(e, squared)
    out = {'anchors': [], 'positives': [], 'negatives': [], 'kinds': []}
    b = len(labels)
    for a in range(b):
        neg = [n for n in range(b) if labels[n] != labels[a]]
        if not neg:
            continue
        for p in range(b):
            if p == a or labels[p] != labels[a]:
                continue
            dap = d[a, p].item()
            band = [n for n in neg if dap < d[a, n].item() < dap + margin]
            hard = [n for n in neg if d[a, n].item() <= dap]
            if band:
                choice, kind = min(band, key=lambda n: d[a, n].item()), 'semi-hard'
            elif hard:
                choice, kind = max(hard, key=lambda n: d[a, n].item()), 'hard'
            else:
                choice, kind = min(neg, key=lambda n: d[a, n].item()), 'easy'
            out['anchors'].append(a)
            out['positives'].append(p)
            out['negatives'].append(choice)
            out['kinds'].append(kind)
    return out


def count_kinds(e, labels, margin, squared):
    d = distances(e, squared)
    b = len(labels)
    counts = {'easy': 0, 'semiHard': 0, 'hard': 0}
    for a in range(b):
        for p in range(b):
            if p == a or labels[p] != labels[a]:
                continue
            for n in range(b):
                if labels[n] == labels[a]:
                    continue
                t = d[a, n].item() - d[a, p].item()
                if t <= 0:
                    counts['hard'] += 1
                elif t < margin:
                    counts['semiHard'] += 1
                else:
                    counts['easy'] += 1
    return counts


def main():
    cases = {k: [] for k in ['contrastive', 'triplet', 'tuplet', 'nPair', 'nonParametricSoftmax', 'nce',
                             'infoNCE', 'ntXent', 'supCon', 'miners']}
    for seed, (n, d) in enumerate([(5, 3), (8, 4), (6, 7)]):
        g = torch.Generator().manual_seed(1000 + seed)
        x1, x2 = randn(g, n, d), randn(g, n, d)
        similar = torch.tensor([i % 2 for i in range(n)])
        margin = [1.0, 2.0, 3.5][seed]
        inputs = {'x1': x1, 'x2': x2}
        value, grads = value_and_grads(lambda x1, x2: contrastive(x1, x2, similar, margin), inputs)
        cases['contrastive'].append({'seed': seed, 'margin': margin, 'x1': as_list(x1), 'x2': as_list(x2),
                                     'similar': as_list(similar), 'loss': value, 'grads': grads})

        a, p, ng = randn(g, n, d), randn(g, n, d), randn(g, n, d)
        for squared, soft in [(True, False), (False, False), (True, True)]:
            margin = [0.2, 1.0, 0.5][seed]
            value, grads = value_and_grads(lambda anchor, positive, negative: triplet(anchor, positive, negative, margin, squared, soft),
                                           {'anchor': a, 'positive': p, 'negative': ng})
            cases['triplet'].append({'seed': seed, 'margin': margin, 'squared': squared, 'softMargin': soft,
                                     'anchor': as_list(a), 'positive': as_list(p), 'negative': as_list(ng), 'loss': value, 'grads': grads})

        m = 3 + seed
        a, p, negs = randn(g, n, d, scale=0.7), randn(g, n, d, scale=0.7), randn(g, n, m, d, scale=0.7)
        value, grads = value_and_grads(tuplet, {'anchor': a, 'positive': p, 'negatives': negs})
        cases['tuplet'].append({'seed': seed, 'anchor': as_list(a), 'positive': as_list(p), 'negatives': as_list(negs), 'loss': value, 'grads': grads})

        for l2_reg, scale in [(0.0, 1.0), (0.002, 1.0), (0.0, 30.0)]:
            a, p = randn(g, n, d, scale=scale), randn(g, n, d, scale=scale)
            value, grads = value_and_grads(lambda anchors, positives: npair(anchors, positives, l2_reg), {'anchors': a, 'positives': p})
            cases['nPair'].append({'seed': seed, 'l2Reg': l2_reg, 'anchors': as_list(a), 'positives': as_list(p), 'loss': value, 'grads': grads})

        size, k = [12, 20, 9][seed], [3, 5, 8][seed]
        temperature = [0.07, 0.1, 0.5][seed]
        features, memory = unit(randn(g, n, d)), unit(randn(g, size, d))
        indices = torch.randint(0, size, (n,), generator=g)
        value, grads = value_and_grads(lambda features, memory: non_parametric_softmax(features, memory, indices, temperature),
                                       {'features': features, 'memory': memory})
        cases['nonParametricSoftmax'].append({'seed': seed, 'temperature': temperature, 'features': as_list(features), 'memory': as_list(memory),
                                              'indices': as_list(indices), 'loss': value, 'grads': grads})

        noise = torch.randint(0, size, (n, k), generator=g)
        normalizer = estimate_normalizer(features, memory, noise, temperature)
        value, grads = value_and_grads(lambda features, memory: nce(features, memory, indices, noise, temperature, normalizer),
                                       {'features': features, 'memory': memory})
        cases['nce'].append({'seed': seed, 'temperature': temperature, 'features': as_list(features), 'memory': as_list(memory),
                             'indices': as_list(indices), 'noiseIndices': as_list(noise), 'normalizer': normalizer, 'loss': value, 'grads': grads})

        queue_size = [4, 16, 7][seed]
        q, key, queue = unit(randn(g, n, d)), unit(randn(g, n, d)), unit(randn(g, queue_size, d))
        value, grads = value_and_grads(lambda query, positiveKey, queue: info_nce(query, positiveKey, queue, temperature),
                                       {'query': q, 'positiveKey': key, 'queue': queue})
        cases['infoNCE'].append({'seed': seed, 'temperature': temperature, 'query': as_list(q), 'positiveKey': as_list(key),
                                 'queue': as_list(queue), 'loss': value, 'grads': grads})

        v1, v2 = randn(g, n, d), randn(g, n, d)
        t = [0.5, 0.1, 0.2][seed]
        value, grads = value_and_grads(lambda view1, view2: nt_xent(view1, view2, t), {'view1': v1, 'view2': v2})
        cases['ntXent'].append({'seed': seed, 'temperature': t, 'view1': as_list(v1), 'view2': as_list(v2), 'loss': value, 'grads': grads})

        labels = torch.randint(0, 3, (2 * n,), generator=g)
        labels[-1] = 5  # an anchor without positives: SupCon skips it
        e = randn(g, 2 * n, d)
        value, grads = value_and_grads(lambda embeddings: sup_con(embeddings, labels, t), {'embeddings': e})
        cases['supCon'].append({'seed': seed, 'temperature': t, 'embeddings': as_list(e), 'labels': as_list(labels), 'loss': value, 'grads': grads})

        labels = torch.tensor([i % 3 for i in range(3 * n)])
        labels[0] = 7  # a label with one member: no positive for that anchor
        e = randn(g, 3 * n, d, scale=0.6)
        margin = [0.2, 0.5, 1.0][seed]
        for squared in [True, False]:
            cases['miners'].append({'seed': seed, 'margin': margin, 'squared': squared, 'embeddings': as_list(e), 'labels': as_list(labels),
                                    'batchHard': batch_hard(e, labels.tolist(), squared),
                                    'semiHard': semi_hard(e, labels.tolist(), margin, squared),
                                    'counts': count_kinds(e, labels.tolist(), margin, squared)})

    meta = {'generator': 'scripts/make-loss-fixtures.py', 'torch': torch.__version__, 'dtype': 'float64 (inputs rounded to float32)'}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as fh:
        json.dump({'meta': meta, **cases}, fh, separators=(',', ':'))
        fh.write('\n')
    print(f'wrote {os.path.relpath(OUT)}: ' + ', '.join(f'{k} {len(v)}' for k, v in cases.items()))


if __name__ == '__main__':
    main()
