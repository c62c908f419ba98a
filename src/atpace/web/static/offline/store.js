// atpace offline store: IndexedDB "atpace-offline" keeps, per student, the batch of items to practise
// offline and the queue of answers given offline (in the order given), until the server has them.
// A shared computer may hold several students' queues: each entry names its student, and only the
// signed-in student's answers are sent (the server refuses another student's with 409).

const NAME = "atpace-offline";
const VERSION = 1;
let opening = null;

function promised(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function open() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const request = indexedDB.open(NAME, VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        db.createObjectStore("batches", { keyPath: "student_id" });
        const queue = db.createObjectStore("queue", { keyPath: "seq", autoIncrement: true });
        queue.createIndex("student", "student_id");
        queue.createIndex("attempt", "client_attempt_id", { unique: true });
        db.createObjectStore("meta", { keyPath: "key" });
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  return opening;
}

async function run(storeName, mode, work) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(storeName, mode);
    let value;
    Promise.resolve(work(tx.objectStore(storeName))).then((result) => { value = result; }, reject);
    tx.oncomplete = () => resolve(value);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

export async function getMeta(key, fallback = null) {
  const row = await run("meta", "readonly", (store) => promised(store.get(key)));
  return row ? row.value : fallback;
}

export function setMeta(key, value) {
  return run("meta", "readwrite", (store) => promised(store.put({ key, value })));
}

export function getBatch(studentId) {
  return run("batches", "readonly", (store) => promised(store.get(studentId))).then((batch) => batch || null);
}

export function putBatch(batch) {
  return run("batches", "readwrite", (store) => promised(store.put(batch)));
}

/** Queue an answer (its client_attempt_id is unique: queueing it twice keeps the first). */
export function enqueue(answer) {
  return run("queue", "readwrite", async (store) => {
    const existing = await promised(store.index("attempt").get(answer.client_attempt_id));
    if (existing) return existing.seq;
    return promised(store.add(answer));
  });
}

/** The student's queued answers, oldest first (the order they were given). */
export function queued(studentId) {
  return run("queue", "readonly", (store) => promised(store.index("student").getAll(studentId))).then((rows) =>
    rows.sort((a, b) => a.seq - b.seq),
  );
}

export function removeQueued(seqs) {
  return run("queue", "readwrite", (store) => Promise.all(seqs.map((seq) => promised(store.delete(seq)))));
}
