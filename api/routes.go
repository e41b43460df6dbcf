package api

import (
	"net/http"
	"reflect"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/govchain/govchain/api/apitype"
	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/verify"
)

// operation is one route with everything the OpenAPI document says of it:
// the route table is the one source of both.
type operation struct {
	method, path string
	id           string // operationId
	summary      string
	desc         string
	tag          string
	params       []param
	rest         string       // the path parameter that may hold '/' (state keys)
	body         reflect.Type // JSON request body, if any
	cbor         bool         // also takes application/cbor
	resp         reflect.Type // the success body
	respSchema   *openapi3.SchemaRef
	status       int   // success status
	also         []int // further success statuses
	errors       []int // problem statuses
	handler      handlerFunc
	query        *module.Query // a module query: its record type shapes the schema
	heavy        bool          // an expensive read (ReadLimits); so is any list and any prove=true
}

// param is a path or query parameter.
type param struct {
	name, in, doc string
	kind          string // "string", "integer", "boolean"
	enum          []string
	required      bool
	min, max      *float64
	pattern       string // what a well-formed value matches (OpenAPI pattern)
	repeat        bool   // may be given more than once
}

func pathParam(name, doc string) param {
	return param{name: name, in: "path", doc: doc, kind: "string", required: true}
}

func queryParam(name, kind, doc string, enum ...string) param {
	return param{name: name, in: "query", doc: doc, kind: kind, enum: enum}
}

func repeated(p param) param { p.repeat = true; return p }

func typeOf[T any]() reflect.Type { return reflect.TypeFor[T]() }

var zero, one, thousand = 0.0, 1.0, 1000.0

// The query parameters every read of state takes.
var (
	heightQ = param{name: "height", in: "query", kind: "integer", min: &zero,
		doc: "read at this height (default: the latest; with prove=true, the newest height whose app hash is signed)"}
	proveQ = queryParam("prove", "boolean", "include proofs anchored to signed headers (docs/proofs.md)")
	limitQ = param{name: "limit", in: "query", kind: "integer", min: &one, max: &thousand,
		doc: "page size, 1 to 1000 (default 100; with prove=true 1 to 20, default 20, and fewer when the proofs' anchors are long)"}
	afterQ = queryParam("after", "string", "the cursor of the previous page's next")
)

// coreOperations are the routes of the chain itself (modules add theirs).
func (s *Server) coreOperations() []*operation {
	hashP := pathParam("hash", "transaction hash, 64 hex digits")
	hashP.pattern = "^[0-9a-fA-F]{64}$"
	heightP := pathParam("height", "block height")
	return []*operation{
		{method: "GET", path: "/healthz", id: "health", tag: "node", summary: "Liveness: ok once the node has a genesis state",
			resp: typeOf[apitype.Health](), errors: []int{503}, handler: s.healthz},
		{method: "GET", path: "/v1/status", id: "getStatus", tag: "node", summary: "Chain id, latest height and commitments, mempool, validators",
			resp: typeOf[apitype.Status](), handler: s.status},
		{method: "GET", path: "/v1/openapi.json", id: "getOpenAPI", tag: "node", summary: "This document",
			resp: typeOf[map[string]any](), handler: s.openapi},
		{method: "GET", path: "/v1/blocks/{height}", id: "getBlock", tag: "chain", summary: "A block: header fields, signers and transaction hashes",
			params: []param{{name: "height", in: "path", required: true, kind: "string", doc: `a positive height or "latest"`}},
			resp:   typeOf[apitype.Block](), errors: []int{400, 404}, heavy: true, handler: s.block},
		{method: "GET", path: "/v1/txs/{hash}", id: "getTx", tag: "chain", summary: "A committed transaction with its result and events",
			params: []param{hashP}, resp: typeOf[apitype.Tx](), errors: []int{400, 404}, handler: s.getTx},
		{method: "GET", path: "/v1/txs/{hash}/receipt", id: "getReceipt", tag: "proofs", summary: "A self-contained receipt of a committed transaction (govchain verify receipt)",
			params: []param{hashP}, resp: typeOf[verify.Receipt](), errors: []int{400, 404, 409}, heavy: true, handler: s.receipt},
		{method: "GET", path: "/v1/genesis", id: "getGenesis", tag: "proofs", summary: "The chain's genesis document (genesis.json): what a verifier trusts (compare it with the one the departments publish)",
			resp: typeOf[map[string]any](), handler: s.genesis},
		{method: "GET", path: "/v1/light/{height}", id: "getLightBlock", tag: "proofs", summary: "A signed header and the validator set that signed it (CometBFT JSON)",
			params: []param{heightP}, resp: typeOf[map[string]any](), errors: []int{400, 404}, heavy: true, handler: s.lightBlock},
		{method: "POST", path: "/v1/txs", id: "submitTx", tag: "txs", summary: "Submit a signed transaction",
			desc:   "The body is {\"tx\": base64 of the canonical CBOR bytes}, or the bytes themselves as application/cbor. With wait=commit the answer comes once the transaction has committed (200), otherwise once the mempool accepted it (202). A refusal is a 422 problem with the chain's result code.",
			params: []param{queryParam("wait", "string", "commit: wait for the commit", "commit", "none"), queryParam("timeout", "string", "how long to wait for the commit, a Go duration up to 5m (default 30s)")},
			body:   typeOf[apitype.SubmitRequest](), cbor: true, resp: typeOf[apitype.SubmitResult](), also: []int{202}, errors: []int{400, 413, 415, 422, 503, 504}, handler: s.postTx},
		{method: "POST", path: "/v1/txs/batch", id: "submitTxBatch", tag: "txs", summary: "Submit up to 1000 signed transactions in order",
			desc:   "Each transaction gets its own result; a refused one has a non-zero code (the chain's, or codespace api for a refusal before the mempool) and the HTTP status it would have had alone.",
			params: []param{queryParam("wait", "string", "commit: wait for every accepted tx to commit", "commit", "none"), queryParam("timeout", "string", "how long to wait, a Go duration up to 5m")},
			body:   typeOf[apitype.BatchRequest](), resp: typeOf[apitype.BatchResult](), errors: []int{400, 413, 415}, handler: s.postBatch},
		{method: "GET", path: "/v1/state/{key}", rest: "key", id: "getState", tag: "proofs", summary: "A raw state key at a height, with a membership or non-membership proof on request",
			params: []param{pathParam("key", "the full state key, e.g. identity/params"), heightQ, proveQ},
			resp:   typeOf[apitype.State](), errors: []int{400, 404, 410}, handler: s.state},
		s.didOperation(),
		{method: "GET", path: "/v1/commitments/{height}", id: "getCommitments", tag: "proofs", summary: "What a height's app hash binds: state root, log root, log size",
			params: []param{heightP}, resp: typeOf[apitype.Commitments](), errors: []int{400, 404}, handler: s.commitments},
		{method: "GET", path: "/v1/anchor/{height}", id: "getAnchor", tag: "proofs", summary: "The signed headers that anchor a height's commitments",
			params: []param{heightP}, resp: typeOf[verify.Anchor](), errors: []int{400, 404, 409}, heavy: true, handler: s.anchorOf},
		{method: "GET", path: "/v1/log/proof", id: "getLogProof", tag: "proofs", summary: "An inclusion proof of a log entry, anchored to signed headers",
			params: []param{{name: "index", in: "query", kind: "integer", required: true, min: &zero, doc: "log index"},
				{name: "size", in: "query", kind: "integer", min: &zero, doc: "prove against the log of this size (a size some height ended with)"}, heightQ},
			resp: typeOf[verify.LogProof](), errors: []int{400, 404, 409, 410}, heavy: true, handler: s.logProof},
		{method: "GET", path: "/v1/log/consistency", id: "getLogConsistency", tag: "proofs", summary: "A proof that the log of size to extends the log of size from",
			params: []param{{name: "from", in: "query", kind: "integer", required: true, min: &zero, doc: "the older size"},
				{name: "to", in: "query", kind: "integer", required: true, min: &zero, doc: "the newer size"},
				queryParam("prove", "boolean", "include both sizes' anchors (each size must end a height)")},
			resp: typeOf[apitype.Consistency](), errors: []int{400, 404, 409, 410}, heavy: true, handler: s.logConsistency},
		{method: "GET", path: "/v1/events", id: "streamEvents", tag: "chain", summary: "A websocket of committed transactions and their events, live or replayed from a height",
			desc: "Upgrade to a websocket; each message is an EventMessage (JSON). Malformed filters, a replay too long and the subscriber limit are refused before the upgrade (docs/api-events.md).",
			params: []param{queryParam("module", "string", "only this module's events and messages"), repeated(queryParam("type", "string", "an event type (repeatable)")),
				repeated(queryParam("attr", "string", "key:value an event must carry (repeatable)")), queryParam("code", "string", "ok, failed or any", "ok", "failed", "any"),
				queryParam("blocks", "boolean", "also one message per block"), {name: "from_height", in: "query", kind: "integer", min: &zero, doc: "replay from this height, then live"}},
			status: http.StatusSwitchingProtocols, errors: []int{400, 426, 503}, handler: s.events},
		{method: "GET", path: "/v1/codes", id: "listCodes", tag: "chain", summary: "Every result code with its codespace and message",
			resp: typeOf[apitype.Codes](), handler: s.codes},
		{method: "GET", path: "/v1/roles", id: "listRoles", tag: "chain", summary: "Every role: its module, what it is for, and the messages it allows",
			resp: typeOf[apitype.Roles](), handler: s.roles},
	}
}

// problemStatuses are the statuses of op's problem answers: its own, 400
// for an undeclared query parameter (any operation), 503 when an expensive
// read found no turn (ReadLimits), and 500.
func (op *operation) problemStatuses() []int {
	out := append([]int{}, op.errors...)
	add := func(st int) {
		if !slices.Contains(out, st) {
			out = append(out, st)
		}
	}
	add(http.StatusBadRequest)
	if op.heavy || op.query != nil || slices.ContainsFunc(op.params, func(p param) bool { return p.name == "prove" }) {
		add(http.StatusServiceUnavailable)
	}
	add(http.StatusInternalServerError)
	slices.Sort(out)
	return out
}

func (op *operation) successStatus() int {
	if op.status == 0 {
		return http.StatusOK
	}
	return op.status
}
