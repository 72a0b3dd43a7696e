// Cosmos DB stand-in for local runs and tests: @vercel/cosmosdb-server plus the fixes the .NET SDK needs
// (DESIGN §2): query plans, 404 on missing items, keep-alive, a change feed that returns later changes, and a
// document call on a database or container that does not exist answered as Cosmos DB answers it (404, substatus 1003
// "owner resource does not exist"), not as a missing item or a 500.
"use strict";
const { AsyncLocalStorage } = require("node:async_hooks");
const { createHttpsServer } = require("@vercel/cosmosdb-server");
const Items = require("@vercel/cosmosdb-server/lib/account/items").default;
const accountModule = require("@vercel/cosmosdb-server/lib/account");
const patchOperations = require("@vercel/cosmosdb-server/lib/handler/_patch-operations");
const partitionHeader = require("@vercel/cosmosdb-server/lib/utils/get-partition-from-header");
const getValue = require("@vercel/cosmosdb-server/lib/utils/get-value").default;
const { effectivePartitionKey } = require("./hierarchical");

// The server keeps its account to itself; this subclass, created at listen time, lets requests be checked against it.
let account;
accountModule.default = class extends accountModule.default {
  constructor(...args) {
    super(...args);
    account = this;
  }
};

const port = Number(process.env.COSMOS_PORT || process.argv[2] || 8081);
const host = process.env.COSMOS_HOST || "127.0.0.1";

// Every query is passed through unchanged: the server evaluates ORDER BY, aggregates and TOP itself
// over its single partition key range, so the SDK must not rewrite or merge anything.
const passThroughPlan = JSON.stringify({
  partitionedQueryExecutionInfoVersion: 2,
  queryInfo: {
    distinctType: "None", top: null, offset: null, limit: null,
    orderBy: [], orderByExpressions: [], groupByExpressions: [], groupByAliases: [],
    aggregates: [], groupByAliasToAggregateType: {}, rewrittenQuery: "",
    hasSelectValue: false, dCountInfo: null, hasNonStreamingOrderBy: false
  },
  queryRanges: [{ min: "", max: "FF", isMinInclusive: true, isMaxInclusive: false }]
});

const documentPath = /^\/+dbs\/[^/]+\/colls\/[^/]+\/docs\/[^/]+\/?$/;
const anyDocumentPath = /^\/+dbs\/([^/]+)\/colls\/([^/]+)\/docs(\/|$)/;
const documentsPath = /^\/+dbs\/[^/]+\/colls\/([^/]+)\/docs\/?$/;
const isTrue = (value) => String(value).toLowerCase() === "true";

// Change feed: each successful write gets the next sequence number; the feed's etag is the last one seen.
let sequence = 0;
const sequenceByRid = new Map();

// The server evaluates every query over the whole container, whatever partition the request names: a ticket's
// message list slowed down with every message of every other ticket. Each container here also keeps its items by
// partition key, and a query that names a partition (x-ms-documentdb-partitionkey) runs over that partition only.
const queryPartition = new AsyncLocalStorage();
const partitionsOf = new WeakMap();
const partitionKeyOf = (items, data) => JSON.stringify(items._getPartition(data) ?? null);

// Hierarchical partition keys (DESIGN §3): the server knows one key path. In a container with several (MultiHash), an
// item's logical partition is the tuple of all its key values, so items are told apart, unique keys are scoped and
// queries and patches are partitioned by the whole tuple; a query by a key prefix arrives as a range of effective
// partition keys (x-ms-start-epk / x-ms-end-epk) and runs over the items within it.
const isHierarchical = (items) => items._partitionKeyPath.length > 1;

const originalGetPartition = Items.prototype._getPartition;
Items.prototype._getPartition = function (data) {
  if (!isHierarchical(this)) return originalGetPartition.call(this, data);
  return JSON.stringify(keyValuesOf(this, data));
};

const keyValuesOf = (items, data) => items._partitionKeyPath.map((path) => getValue(path.slice(1).split("/"), data) ?? null);

const originalParsePartitionKey = partitionHeader.parsePartitionKey;
partitionHeader.parsePartitionKey = function (header, fallback) {
  const values = parseJson(header);
  if (Array.isArray(values) && values.length > 1) return JSON.stringify(values);
  return originalParsePartitionKey(header, fallback);
};

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The partition a request's x-ms-documentdb-partitionkey names, keyed as partitions() keys it; undefined if none. */
function partitionOfHeader(header) {
  const values = parseJson(header);
  if (!Array.isArray(values) || values.length === 0) return undefined;
  return JSON.stringify(values.length > 1 ? JSON.stringify(values) : values[0] ?? null);
}

const epkOf = new WeakMap();

function itemsInRange(items, { from, to }) {
  if (!epkOf.has(items)) epkOf.set(items, new Map());
  const cache = epkOf.get(items);
  const subset = new Map();
  for (const [key, byRid] of partitions(items)) {
    if (byRid.size === 0) continue;
    if (!cache.has(key)) cache.set(key, effectivePartitionKey(keyValuesOf(items, byRid.values().next().value.read())));
    const epk = cache.get(key);
    if (epk >= from && epk < to) for (const [rid, item] of byRid) subset.set(rid, item);
  }
  return subset;
}

function partitions(items) {
  let byKey = partitionsOf.get(items);
  if (!byKey) {
    byKey = new Map();
    partitionsOf.set(items, byKey);
    for (const [rid, item] of items._data) indexItem(byKey, partitionKeyOf(items, item.read()), rid, item);
  }
  return byKey;
}

function indexItem(byKey, key, rid, item) {
  if (!byKey.has(key)) byKey.set(key, new Map());
  byKey.get(key).set(rid, item);
}

const originalSet = Items.prototype._set;
Items.prototype._set = function (data) {
  const result = originalSet.call(this, data);
  indexItem(partitions(this), partitionKeyOf(this, data), data._rid, this._data.get(data._rid));
  return result;
};

const originalDelete = Items.prototype.delete;
Items.prototype.delete = function (idOrRid, partition) {
  const data = this._item("/id", idOrRid, partition).read();
  originalDelete.call(this, idOrRid, partition);
  if (data) partitions(this).get(partitionKeyOf(this, data))?.delete(data._rid);
};

// A bulk lookup by id in a container partitioned by id ("... WHERE ARRAY_CONTAINS(@ids, c.id)", the whole filter)
// names its partitions too: it runs over those alone instead of comparing every item with every id.
const lookupById = /\bWHERE\s+ARRAY_CONTAINS\(\s*(@\w+)\s*,\s*c\.id\s*\)\s*$/i;

function partitionsNamedBy(items, params) {
  const key = queryPartition.getStore();
  if (typeof key === "object") return isHierarchical(items) ? itemsInRange(items, key) : undefined;
  if (key !== undefined) return partitions(items).get(key) || new Map();
  const lookup = lookupById.exec(params.query || '');
  const ids = lookup && (params.parameters || []).find(p => p.name === lookup[1])?.value;
  if (!Array.isArray(ids) || items._getPartitionKeyPath().join('/') !== 'id') return undefined;
  const subset = new Map();
  for (const id of ids) for (const [rid, item] of partitions(items).get(JSON.stringify(id)) || []) subset.set(rid, item);
  return subset;
}

const originalQuery = Items.prototype.query;
Items.prototype.query = function (params, options) {
  const subset = partitionsNamedBy(this, params);
  if (subset === undefined) return originalQuery.call(this, params, options);
  // query() is synchronous: no other request can see the swapped map.
  const all = this._data;
  this._data = subset;
  try {
    return originalQuery.call(this, params, options);
  } finally {
    this._data = all;
  }
};

// A patch's filter predicate ("FROM c WHERE ...", as the SDK sends it) is lower-cased by the server before it is
// evaluated, so a predicate on a camelCase property never matches; Cosmos DB keeps its case. The predicate is
// evaluated here instead, with its case, over the patched item within its partition; then the patch is applied
// without it, or refused with the server's own 412. Its literals become parameters, so a predicate compiles once per
// shape (a compile takes ~10 ms, and each version number or id would otherwise be a new query). patchOperation is
// synchronous, so no other request runs between the check and the write.
const predicate = /^\s*from\s+c\s+where\s+([\s\S]+)$/i;
const literal = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|(?<![\w.@])-?\d+(?:\.\d+)?(?![\w.])/g;

function parameterized(where) {
  const parameters = [];
  const text = where.replace(literal, (value) => {
    const name = `@literal${parameters.length}`;
    parameters.push({ name, value: value[0] === "'" ? value.slice(1, -1).replace(/\\(.)/g, "$1") : JSON.parse(value) });
    return name;
  });
  return { text, parameters };
}

const originalPatch = patchOperations.patchOperation;
patchOperations.patchOperation = function (collection, input) {
  const where = input.condition && predicate.exec(input.condition);
  if (!where) return originalPatch.call(this, collection, input);
  const { text, parameters } = parameterized(where[1]);
  return queryPartition.run(partitionOfHeader(input.partitionKey), () => {
    const matches = collection.documents.query({
      query: `SELECT VALUE c.id FROM c WHERE c.id = @id AND (${text})`,
      parameters: [{ name: "@id", value: input.id }, ...parameters],
    }, {});
    const condition = matches && matches.result.length > 0 ? undefined : "FROM c WHERE false";
    return originalPatch.call(this, collection, { ...input, condition });
  });
};

function partitionOfQuery(req, path) {
  if (req.method !== "POST" || !documentsPath.test(path) || !isTrue(req.headers["x-ms-documentdb-isquery"])) return undefined;
  const header = req.headers["x-ms-documentdb-partitionkey"];
  if (header) return partitionOfHeader(header);
  const [from, to] = [req.headers["x-ms-start-epk"], req.headers["x-ms-end-epk"]];
  return from !== undefined && to !== undefined ? { from: String(from), to: String(to) } : undefined;
}

function answer(res, status, body, headers = {}) {
  res.writeHead(status, { "content-type": "application/json", connection: "keep-alive", ...headers });
  res.end(body);
}

function captureEnd(res, rewrite) {
  const end = res.end.bind(res);
  res.end = (chunk, ...rest) => {
    const replaced = rewrite(chunk === undefined ? "" : String(chunk));
    return end(replaced === undefined ? chunk : replaced, ...rest);
  };
}

function onRequest(inner) {
  return (req, res) => {
    const path = (req.url || "").split("?")[0];

    const docs = anyDocumentPath.exec(path);
    if (docs && account && !account.database(decodeURIComponent(docs[1])).collection(decodeURIComponent(docs[2])).read()) {
      req.resume();
      req.on("end", () => answer(res, 404, JSON.stringify({ code: "NotFound", message: "Owner resource does not exist" }), { "x-ms-substatus": "1003" }));
      return;
    }

    if (isTrue(req.headers["x-ms-cosmos-is-query-plan-request"])) {
      req.resume();
      req.on("end", () => answer(res, 200, passThroughPlan));
      return;
    }

    if (req.method === "GET" && documentPath.test(path)) {
      // The server throws (500) reading a missing item in a partitioned container.
      captureEnd(res, (body) => {
        if (res.statusCode !== 500) return undefined;
        res.statusCode = 404;
        return JSON.stringify({ code: "NotFound", message: "Entity with the specified id does not exist in the system." });
      });
    } else if (req.method === "GET" && documentsPath.test(path) && req.headers["a-im"]) {
      const since = req.headers["if-none-match"];
      delete req.headers["if-none-match"];
      delete req.headers["a-im"];
      delete req.headers["x-ms-max-item-count"];
      captureEnd(res, (body) => {
        if (res.statusCode !== 200) return undefined;
        const after = since === "*" || since === undefined ? (since === "*" ? sequence : 0) : Number(since) || 0;
        const parsed = JSON.parse(body);
        const changed = (parsed.Documents || [])
          .filter((doc) => (sequenceByRid.get(doc._rid) || 0) > after)
          .sort((a, b) => sequenceByRid.get(a._rid) - sequenceByRid.get(b._rid));
        const last = changed.length ? sequenceByRid.get(changed[changed.length - 1]._rid) : after;
        res.setHeader("etag", String(last));
        if (!changed.length) {
          res.statusCode = 304;
          return "";
        }
        res.setHeader("x-ms-item-count", String(changed.length));
        return JSON.stringify({ ...parsed, Documents: changed, _count: changed.length });
      });
    } else if (["POST", "PUT", "PATCH"].includes(req.method) && (documentsPath.test(path) || documentPath.test(path))) {
      captureEnd(res, (body) => {
        if (res.statusCode === 200 || res.statusCode === 201) {
          try {
            const doc = JSON.parse(body);
            if (doc && doc._rid && doc.id !== undefined) sequenceByRid.set(doc._rid, ++sequence);
          } catch {
            // not a single document (query or batch): nothing to record
          }
        }
        return undefined;
      });
    }
    const partition = partitionOfQuery(req, path);
    if (partition === undefined) inner(req, res);
    else {
      // The server refuses a query whose text does not filter on the partition key unless it is cross-partition;
      // scoped to the named partition here, it needs no such filter (as in Cosmos).
      req.headers["x-ms-documentdb-query-enablecrosspartition"] = "true";
      queryPartition.run(partition, () => inner(req, res));
    }
  };
}

// Time to live, as Cosmos DB documents it: a container's defaultTtl turns expiry on (absent: item ttl is ignored; -1:
// items expire only by their own ttl; n > 0: n seconds after their last write). An item's own ttl overrides it
// (-1: never). Expired items are deleted here once a second (Cosmos deletes them in the background too).
const expireEvery = 1000;
function deleteExpired() {
  if (!account) return;
  const now = Math.floor(Date.now() / 1000);
  for (const database of account.databases._data.values()) {
    for (const collection of database.collections._data.values()) {
      const defaultTtl = collection.read()?.defaultTtl;
      if (typeof defaultTtl !== "number") continue;
      const items = collection.documents;
      for (const item of [...items._data.values()]) {
        const data = item.read();
        const ttl = typeof data.ttl === "number" ? data.ttl : defaultTtl;
        if (ttl > 0 && data._ts + ttl <= now) items.delete(data.id, items._getPartition(data));
      }
    }
  }
}
setInterval(deleteExpired, expireEvery).unref();

const server = createHttpsServer({ keepAlive: true });
const [inner] = server.listeners("request");
server.removeAllListeners("request");
server.on("request", onRequest(inner));
server.keepAliveTimeout = 60_000;
server.listen(port, host, () => {
  console.log(`cosmos stand-in listening on https://${host}:${port}/`);
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.close(() => process.exit(0)));
