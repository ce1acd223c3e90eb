/** Types of layers.js (plain JavaScript, because eslint.config.js imports it). */
export interface Layer {
  name: string;
  /** A folder (its whole tree), a file, or `dir/*.ts`. */
  paths: string[];
  holds: string;
  /** Layers below this one that it may import; `only` narrows one to named files. */
  may: (string | { name: string; only: string[] })[];
}
export declare const LAYERS: Layer[];
export declare function layerZones(layers: Layer[]): object[];
