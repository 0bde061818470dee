/** @module Interface theater:simple/store **/
export { _new as new };
function _new(): string;
export function store(storeId: string, content: Uint8Array): ContentRef;
export function get(storeId: string, contentRef: ContentRef): Uint8Array;
export function exists(storeId: string, contentRef: ContentRef): boolean;
export function label(storeId: string, label: string, contentRef: ContentRef): void;
export function getByLabel(storeId: string, label: string): ContentRef | undefined;
export function removeLabel(storeId: string, label: string): void;
export function removeFromLabel(storeId: string, label: string, contentRef: ContentRef): void;
export function storeAtLabel(storeId: string, label: string, content: Uint8Array): ContentRef;
export function replaceContentAtLabel(storeId: string, label: string, content: Uint8Array): ContentRef;
export function replaceAtLabel(storeId: string, label: string, contentRef: ContentRef): void;
export function listLabels(storeId: string): Array<string>;
export function listAllContent(storeId: string): Array<ContentRef>;
export function calculateTotalSize(storeId: string): bigint;
export interface ContentRef {
  hash: string,
}
