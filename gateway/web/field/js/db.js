// The phone's own store (IndexedDB through idb): the outbox, and a few values kept
// across restarts (the token, the operation, the last assignment seen, the track).

import { openDB } from "../vendor/idb/idb.js";

const NAME = "brigade-field";

let opened = null;

export function db() {
  opened ??= openDB(NAME, 1, {
    upgrade(store) {
      // In the order actions were made: `seq` is the order they are sent in.
      const outbox = store.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true });
      outbox.createIndex("id", "id", { unique: true });
      store.createObjectStore("kv");
    },
  });
  return opened;
}

export async function getValue(key, fallback = null) {
  return (await (await db()).get("kv", key)) ?? fallback;
}

export async function setValue(key, value) {
  await (await db()).put("kv", value, key);
}

export async function dropValue(key) {
  await (await db()).delete("kv", key);
}
