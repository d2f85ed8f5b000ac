// Online Drain-style log template miner: a fixed-depth prefix tree keyed by token count and
// the first tokens, a similarity threshold, and wildcard merging. Tokens are interned to
// integers so that the hot path compares numbers and allocates little.

import { maskToken, WILDCARD } from './mask';

export interface DrainOptions {
  /** Minimum share of equal constant tokens for a line to join a cluster (0..1). */
  similarity?: number;
  /** Tree depth including the root and length levels (Drain's `depth`). */
  depth?: number;
  /** Children per tree node before new tokens route to the wildcard child. */
  maxChildren?: number;
  /** Tokens per line considered; the rest are ignored. */
  maxTokens?: number;
}

interface Cluster {
  id: number;
  tokens: Int32Array;
  count: number;
  params: number;
}

interface Node {
  children: Map<number, Node> | null;
  clusters: Cluster[] | null;
}

/** Token id of the bare wildcard. Ids below it are parameters that keep a unit (`<*> ms`); above it, constant words. */
const WILD = 0;
const PAREN_NUMBER = /^\(\d+(?:[.,]\d+)?$/;
const UNIT = /^(?:[KMGTP]i?B|bytes|ms|us|µs|ns|secs?|seconds?|mins?|minutes?|hours?|%)[,;.)]?$/i;

function digitsFrom(t: string, i: number): number {
  while (i < t.length && t.charCodeAt(i) >= 48 && t.charCodeAt(i) <= 57) i++;
  return i;
}

/** A plain number, signed or compared (`-3`, `>5`, `~2`), with one decimal point or comma: `1.5`, `2,5`. */
function isNumber(t: string): boolean {
  const c = t.charCodeAt(0);
  const from = c === 45 || c === 43 || c === 60 || c === 62 || c === 126 ? 1 : 0; // - + < > ~
  let i = digitsFrom(t, from);
  if (i === from) return false;
  if (i === t.length) return true;
  const sep = t.charCodeAt(i);
  if (sep !== 46 && sep !== 44) return false;
  const frac = i + 1;
  i = digitsFrom(t, frac);
  return i > frac && i === t.length;
}

/** Share of equal tokens (a template's parameter position matches any value) to join a cluster. Chosen
 * on Loghub-2k's seven public systems and a tuning subset of other systems, never on the held-out ones:
 * with parameters matching, 0.8 groups best there (0.9 splits OpenSSH's templates, 0.6 merges too much). */
export const DEFAULT_SIMILARITY = 0.8;

/**
 * Whether a constant word may route a line down the prefix tree as itself. A word with inner
 * punctuation (`com.apple.fmfd.heartbeat:`, `setLightsOn(true)`, `job_queue/x`) is more often a
 * name that varies than the message's shape, and the tree never joins lines it routed apart: such
 * words go to the wildcard branch, where similarity decides (Drain does the same with digits).
 */
function routes(word: string): boolean {
  for (let i = 1; i < word.length - 1; i++) {
    const c = word.charCodeAt(i);
    if (
      c === 46 /* . */ ||
      c === 47 /* / */ ||
      c === 95 /* _ */ ||
      c === 58 /* : */ ||
      c === 40 /* ( */ ||
      c === 92 /* \ */
    )
      return false;
  }
  return true;
}

/**
 * Lines a cluster holds before a plain word at one of its positions counts as settled: a parameter
 * shows other values early, a word that held for this many lines is part of the message, and a line
 * with another word there is another message (`... through proxy HTTPS` / `... SOCKS5`, `initialized
 * by client SPP.`). Lower values split word-valued parameters (user names) in Loghub's OpenSSH.
 */
const SETTLED = 50;

/**
 * End of a `key="quoted value"` token that starts at `start` and whose first space-free part ends at `end`:
 * a logfmt value in quotes is one value however many words it has (`msg="order created"` is `msg=<*>`),
 * so the token runs to the closing quote. `end` itself when the token is not one, or the quote never closes.
 */
function quotedValueEnd(body: string, start: number, end: number): number {
  // Looked for inside this token only: a search to the end of the line per token is quadratic on long lines.
  let eq = -1;
  for (let k = start + 1; k + 1 < end; k++)
    if (body.charCodeAt(k) === 61 && body.charCodeAt(k + 1) === 34) {
      eq = k;
      break;
    }
  if (eq < 0) return end;
  for (let k = start; k < eq; k++) {
    const c = body.charCodeAt(k);
    if (c === 34 || c === 39) return end; // a quote in the key: not a key
  }
  // Closed within the first part (`a="b"`, `a="b",`): nothing to extend.
  for (let k = eq + 2; k < end; k++) if (body.charCodeAt(k) === 34 && body.charCodeAt(k - 1) !== 92) return end;
  for (let k = end; k < body.length; k++) {
    const c = body.charCodeAt(k);
    if (c === 10) return end;
    if (c === 34 && body.charCodeAt(k - 1) !== 92) {
      let j = k + 1;
      while (j < body.length && body.charCodeAt(j) !== 32 && body.charCodeAt(j) !== 9 && body.charCodeAt(j) !== 10) j++;
      return j;
    }
  }
  return end;
}

/** The core miner: `add` returns the integer cluster id the line joined (ids are 0-based, dense). */
export class Drain {
  private readonly sim: number;
  private readonly pathLen: number;
  private readonly maxChildren: number;
  private readonly maxTokens: number;
  private readonly intern = new Map<string, number>([[WILDCARD, WILD]]);
  private readonly words: string[] = [WILDCARD];
  /** Per word id: may it route down the prefix tree as itself (see `routes`)? */
  private readonly routable: boolean[] = [false];
  private readonly paramWords: string[] = [];
  private readonly byLength = new Map<number, Node>();
  private readonly clusters: Cluster[] = [];
  private readonly buf: Int32Array;

  constructor(opts: DrainOptions = {}) {
    this.sim = opts.similarity ?? DEFAULT_SIMILARITY;
    this.pathLen = Math.max(0, (opts.depth ?? 4) - 2);
    this.maxChildren = opts.maxChildren ?? 100;
    this.maxTokens = opts.maxTokens ?? 256;
    this.buf = new Int32Array(this.maxTokens);
  }

  /** Adds one message body; returns its cluster id. */
  add(body: string): number {
    const len = this.tokenize(body);
    const toks = this.buf;
    let node = this.byLength.get(len);
    if (!node) {
      node = { children: null, clusters: null };
      this.byLength.set(len, node);
    }
    const depth = Math.min(this.pathLen, len);
    for (let d = 0; d < depth; d++) {
      const tok = toks[d] as number;
      if (!node.children) node.children = new Map();
      let next = node.children.get(tok);
      if (!next) {
        if (tok > WILD && this.routable[tok] === true && node.children.size < this.maxChildren) {
          next = { children: null, clusters: null };
          node.children.set(tok, next);
        } else {
          next = node.children.get(WILD);
          if (!next) {
            next = { children: null, clusters: null };
            node.children.set(WILD, next);
          }
        }
      }
      node = next;
    }
    if (!node.clusters) node.clusters = [];
    const best = this.bestMatch(node.clusters, len);
    if (best && !this.settledWordDiffers(best, len)) {
      this.merge(best, len);
      best.count++;
      return best.id;
    }
    const c: Cluster = { id: this.clusters.length, tokens: toks.slice(0, len), count: 1, params: 0 };
    for (let i = 0; i < len; i++) if ((c.tokens[i] as number) <= WILD) c.params++;
    this.clusters.push(c);
    node.clusters.push(c);
    return c.id;
  }

  /** Current template text of a cluster. */
  template(id: number): string {
    const c = this.clusters[id];
    if (!c) return '';
    let out = '';
    for (let i = 0; i < c.tokens.length; i++) out += (i ? ' ' : '') + this.word(c.tokens[i] as number);
    return out;
  }

  /** Number of lines a cluster holds. */
  count(id: number): number {
    return this.clusters[id]?.count ?? 0;
  }

  get size(): number {
    return this.clusters.length;
  }

  private word(id: number): string {
    return (id < 0 ? this.paramWords[-id - 1] : this.words[id]) ?? WILDCARD;
  }

  /** Interns a parameter word (a value with its unit) under a negative id. */
  private param(word: string): number {
    let id = this.intern.get(word);
    if (id === undefined) {
      this.paramWords.push(word);
      id = -this.paramWords.length;
      this.intern.set(word, id);
    }
    return id;
  }

  private tokenize(body: string): number {
    const n = body.length;
    let len = 0;
    let i = 0;
    let prevNumber = false;
    let afterUnit = false;
    let dropUnit = false;
    while (i < n && len < this.maxTokens) {
      let c = body.charCodeAt(i);
      while (i < n && (c === 32 || c === 9 || c === 10)) c = body.charCodeAt(++i);
      if (i >= n) break;
      const start = i;
      let eq = false;
      while (i < n && c !== 32 && c !== 9 && c !== 10) {
        if (c === 61) eq = true;
        c = body.charCodeAt(++i);
      }
      if (eq) i = quotedValueEnd(body, start, i);
      const raw = body.slice(start, i);
      // A unit after a number is part of that value, not a token of its own: `5 ms` is one
      // parameter token shown as `<*> ms`, and matches `0 bytes`, `1.2 KB` or `00:01` as any parameter does.
      if (prevNumber && UNIT.test(raw)) {
        if (!dropUnit) this.buf[len - 1] = this.param(`${WILDCARD} ${raw}`);
        prevNumber = false;
        afterUnit = !dropUnit;
        dropUnit = false;
        continue;
      }
      // ... and so is the same value restated in another unit: `18846 bytes (18.4 KB)`.
      if (afterUnit && PAREN_NUMBER.test(raw)) {
        prevNumber = true;
        dropUnit = true;
        afterUnit = false;
        continue;
      }
      afterUnit = false;
      const word = maskToken(raw);
      prevNumber = word === WILDCARD && isNumber(raw);
      let id = this.intern.get(word);
      if (id === undefined) {
        id = this.words.length;
        this.words.push(word);
        this.routable.push(routes(word));
        this.intern.set(word, id);
      }
      this.buf[len++] = id;
    }
    return len;
  }

  private bestMatch(list: Cluster[], len: number): Cluster | null {
    const toks = this.buf;
    let best: Cluster | null = null;
    let bestSim = -1;
    let bestParams = -1;
    for (let k = 0; k < list.length; k++) {
      const c = list[k] as Cluster;
      const t = c.tokens;
      let same = 0;
      for (let i = 0; i < len; i++) {
        const a = t[i] as number;
        // A position the template already holds as a parameter accepts any value (as drain3 does
        // with parameters included): a generalised template keeps absorbing its own lines. A constant
        // word there counts half, so that a short template (`Tag: <*>`) does not swallow every line
        // that shares its first word.
        if (a === toks[i]) same++;
        else if (a <= WILD) same += (toks[i] as number) <= WILD ? 1 : 0.5;
      }
      const s = len === 0 ? 1 : same / len;
      if (s > bestSim || (s === bestSim && c.params > bestParams)) {
        best = c;
        bestSim = s;
        bestParams = c.params;
      }
    }
    return best && bestSim >= this.sim ? best : null;
  }

  /** True when the cluster held a plain word at a position for many lines and this line has another word there. */
  private settledWordDiffers(c: Cluster, len: number): boolean {
    if (c.count < SETTLED) return false;
    const t = c.tokens;
    for (let i = 0; i < len; i++) {
      const a = t[i] as number;
      const b = this.buf[i] as number;
      if (a > WILD && b > WILD && a !== b && this.routable[a] === true && this.routable[b] === true) return true;
    }
    return false;
  }

  private merge(c: Cluster, len: number): void {
    const t = c.tokens;
    const toks = this.buf;
    for (let i = 0; i < len; i++) {
      if (t[i] !== WILD && t[i] !== toks[i]) {
        if ((t[i] as number) > WILD) c.params++;
        t[i] = WILD;
      }
    }
  }
}
