// Express's request and response objects made cheap to read and write again on the V8 versions
// that need it: a speed measure of the Express wrapper, apart from its translation.

const ADDED_FIRST = Symbol('session-revocation.dictionary-mode');
const ADDED_SECOND = Symbol('session-revocation.dictionary-mode.second');

/**
 * Whether this V8 gives each Express request and response a hidden class of its own: Express
 * sets their prototype, and V8 before version 13 (Node 20 and 22) then gives every property added
 * to one of them (Express's `baseUrl`, `params`, `originalUrl`..., and `sessions`) a class no
 * other request shares, so every property read or write on them misses V8's caches. V8 13
 * (Node 24) shares those classes itself.
 */
export const EXPRESS_OBJECTS_SHARE_NO_CLASS = Number(process.versions.v8.split('.')[0]) < 13;

/**
 * Puts an object in V8's dictionary mode, where objects of one prototype share one class again,
 * so the property accesses of the rest of the request, Express's and the app's, hit V8's
 * caches (counted by `test/bench/http/instructions.mjs` on Node 20: a third fewer instructions
 * per request in a bare Express app behind this step). Two properties of its own are added, the
 * first deleted (deleting the last one added would only take the class back), then the second.
 * Only a speed hint: an object that refuses it (frozen, or a Proxy whose traps say no) is left
 * as it was.
 */
export function toDictionaryMode(object: object): void {
  try {
    Reflect.set(object, ADDED_FIRST, undefined);
    Reflect.set(object, ADDED_SECOND, undefined);
  } finally {
    Reflect.deleteProperty(object, ADDED_FIRST);
    Reflect.deleteProperty(object, ADDED_SECOND);
  }
}
