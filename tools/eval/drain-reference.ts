// Zero-configuration Drain (He et al., ICWS 2017) as logpai's Drain.py runs it with its defaults
// (depth 4, similarity 0.4, 100 children, no header format, no masking regexes): whole lines,
// split on whitespace. A reference for the product's miner in `npm run eval`, not product code.

const WILD = '<*>';

interface Cluster {
  id: number;
  template: string[];
}

interface Node {
  children: Map<string, Node>;
  clusters: Cluster[];
}

const newNode = (): Node => ({ children: new Map(), clusters: [] });
const hasDigit = (s: string): boolean => /\d/.test(s);

export interface DrainReferenceOptions {
  depth?: number;
  similarity?: number;
  maxChildren?: number;
}

export class DrainReference {
  private readonly root = newNode();
  private readonly clusters: Cluster[] = [];
  private readonly depth: number;
  private readonly sim: number;
  private readonly maxChildren: number;

  constructor(opts: DrainReferenceOptions = {}) {
    this.depth = (opts.depth ?? 4) - 2;
    this.sim = opts.similarity ?? 0.4;
    this.maxChildren = opts.maxChildren ?? 100;
  }

  /** Adds one line; returns the id of the cluster it joined. */
  add(line: string): number {
    const tokens = line.trim().split(/\s+/).filter(Boolean);
    const found = this.search(tokens);
    if (found) {
      found.template = found.template.map((t, i) => (t === tokens[i] ? t : WILD));
      return found.id;
    }
    const cluster: Cluster = { id: this.clusters.length, template: tokens };
    this.clusters.push(cluster);
    this.insert(cluster);
    return cluster.id;
  }

  private lengthNode(len: number, create: boolean): Node | undefined {
    const key = String(len);
    let node = this.root.children.get(key);
    if (!node && create) {
      node = newNode();
      this.root.children.set(key, node);
    }
    return node;
  }

  /** Tokens that route a line below its length node (Drain's depth minus root, length and leaf). */
  private prefix(tokens: string[]): number {
    return Math.min(this.depth - 1, tokens.length);
  }

  private search(tokens: string[]): Cluster | null {
    let node = this.lengthNode(tokens.length, false);
    if (!node) return null;
    for (let d = 0; d < this.prefix(tokens); d++) {
      const next: Node | undefined = node.children.get(tokens[d] as string) ?? node.children.get(WILD);
      if (!next) return null;
      node = next;
    }
    return this.fastMatch(node.clusters, tokens);
  }

  private fastMatch(clusters: Cluster[], tokens: string[]): Cluster | null {
    let best: Cluster | null = null;
    let bestSim = -1;
    let bestParams = -1;
    for (const c of clusters) {
      let same = 0;
      let params = 0;
      c.template.forEach((t, i) => {
        if (t === WILD) params++;
        else if (t === tokens[i]) same++;
      });
      const s = c.template.length ? same / c.template.length : 1;
      if (s > bestSim || (s === bestSim && params > bestParams)) {
        best = c;
        bestSim = s;
        bestParams = params;
      }
    }
    return best && bestSim >= this.sim ? best : null;
  }

  private insert(cluster: Cluster): void {
    const tokens = cluster.template;
    let node = this.lengthNode(tokens.length, true) as Node;
    for (let d = 0; d < this.prefix(tokens); d++) {
      const tok = tokens[d] as string;
      let next = node.children.get(tok);
      if (!next) {
        next = node.children.get(WILD);
        const roomFor = (extra: number): boolean => node.children.size + extra < this.maxChildren;
        if (hasDigit(tok)) {
          if (!next) {
            next = newNode();
            node.children.set(WILD, next);
          }
        } else if (next) {
          // a wildcard child exists: a new constant child only while there is room
          if (node.children.size < this.maxChildren) {
            next = newNode();
            node.children.set(tok, next);
          }
        } else if (roomFor(1)) {
          next = newNode();
          node.children.set(tok, next);
        } else {
          next = newNode();
          node.children.set(WILD, next);
        }
      }
      node = next;
    }
    node.clusters.push(cluster);
  }
}
