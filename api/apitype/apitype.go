// Package apitype holds the JSON types of govchain's HTTP API, shared by the
// server (api) and the Go SDK (client), so that the SDK links none of the
// server: it imports only the pure packages (ledger, tx, verify), never
// Pebble, the application or CometBFT's node, p2p or rpc packages.
package apitype

import (
	"fmt"

	"github.com/govchain/govchain/ledger"
	"github.com/govchain/govchain/tx"
	"github.com/govchain/govchain/verify"
)

// Problem is an RFC 9457 problem document. Detail is always safe to show:
// internal errors are logged and answered with a generic message.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	// Code is the chain's result code when a transaction was refused.
	Code      uint32 `json:"code,omitempty"`
	Codespace string `json:"codespace,omitempty"`
}

func (p *Problem) Error() string { return fmt.Sprintf("%d %s: %s", p.Status, p.Title, p.Detail) }

// Health is the answer of /healthz.
type Health struct {
	Status string `json:"status"`
	// LastBlockAgeSeconds is how long ago the node committed its last
	// block (or started, if it has committed none since).
	LastBlockAgeSeconds float64 `json:"last_block_age_seconds"`
}

// NodeInfo describes the serving node.
type NodeInfo struct {
	Moniker    string `json:"moniker"`
	NodeID     string `json:"node_id"`
	Validator  string `json:"validator_address,omitempty"`
	CatchingUp bool   `json:"catching_up"`
}

// Status is the answer of /v1/status.
type Status struct {
	ChainID      string   `json:"chain_id"`
	HashSuite    string   `json:"hash_suite"`
	LatestHeight int64    `json:"latest_height"`
	LatestTime   string   `json:"latest_time"`
	AppHash      string   `json:"app_hash"`
	StateRoot    string   `json:"state_root"`
	LogRoot      string   `json:"log_root"`
	LogSize      uint64   `json:"log_size"`
	MempoolSize  int      `json:"mempool_size"`
	Validators   int      `json:"validators"`
	Node         NodeInfo `json:"node"`
	// Healthy is false when no block has been committed for longer than
	// the node's stall limit while blocks are expected (what /healthz
	// answers 503 for); StalledReason then says why.
	Healthy             bool    `json:"healthy"`
	LastBlockAgeSeconds float64 `json:"last_block_age_seconds"`
	StalledReason       string  `json:"stalled_reason,omitempty"`
	// Peers is the number of connected p2p peers.
	Peers int `json:"peers"`
	// Index is the embedded SQL index's progress (govchain start --index).
	Index *IndexStatus `json:"index,omitempty"`
}

// Block is a block as the API shows it.
type Block struct {
	Height          int64    `json:"height"`
	Hash            string   `json:"hash"`
	Time            string   `json:"time"`
	ChainID         string   `json:"chain_id"`
	Proposer        string   `json:"proposer_address"`
	AppHash         string   `json:"app_hash"`
	LastBlockHash   string   `json:"last_block_hash"`
	ValidatorsHash  string   `json:"validators_hash"`
	LastCommitSigns int      `json:"last_commit_signatures"`
	Signers         []string `json:"last_commit_signers"`
	NumTxs          int      `json:"num_txs"`
	Txs             []string `json:"txs"`
}

// Tx is a committed transaction with its result.
type Tx struct {
	Hash       string         `json:"hash"`
	Height     uint64         `json:"height"`
	Index      uint32         `json:"index"`
	LogIndex   uint64         `json:"log_index"`
	Code       uint32         `json:"code"`
	Log        string         `json:"log,omitempty"`
	Events     []ledger.Event `json:"events"`
	EventsHash string         `json:"events_hash"`
	Tx         TxBody         `json:"tx"`
	Raw        string         `json:"raw"`
}

// TxBody is a decoded transaction.
type TxBody struct {
	ChainID   string       `json:"chain_id"`
	Signer    string       `json:"signer"`
	Sequence  uint64       `json:"sequence"`
	Memo      string       `json:"memo,omitempty"`
	Msgs      []Msg        `json:"msgs"`
	Signature tx.Signature `json:"signature"`
}

// Msg is a message with its body decoded where the type is known (else
// the body's canonical bytes in base64).
type Msg struct {
	Type string `json:"type"`
	Body any    `json:"body"`
}

// SubmitRequest is the JSON body of POST /v1/txs.
type SubmitRequest struct {
	Tx string `json:"tx"` // base64 of the canonical CBOR bytes
}

// BatchRequest is the JSON body of POST /v1/txs/batch.
type BatchRequest struct {
	Txs []string `json:"txs"`
}

// SubmitResult is the outcome of one submission. Code 0 means accepted (and,
// with Committed, executed successfully); any refusal has a non-zero code:
// the chain's result code, or an API code (codespace "api") for a refusal
// before the mempool.
type SubmitResult struct {
	Hash      string `json:"hash"`
	Code      uint32 `json:"code"`
	Codespace string `json:"codespace,omitempty"`
	Log       string `json:"log,omitempty"`
	// Committed is set when the request waited for the commit.
	Committed bool   `json:"committed"`
	Height    int64  `json:"height,omitempty"`
	LogIndex  uint64 `json:"log_index,omitempty"`
	// Status is the HTTP status this tx alone would have had (batches).
	Status int `json:"status,omitempty"`
}

// BatchResult answers POST /v1/txs/batch: one result per tx, in order.
type BatchResult struct {
	Results []SubmitResult `json:"results"`
}

// State answers GET /v1/state/{key}. With prove=true it is a complete state
// proof (docs/proofs.md; `govchain verify state` reads it).
type State struct {
	Version   int                `json:"version,omitempty"`
	ChainID   string             `json:"chain_id"`
	Key       string             `json:"key"`
	Height    int64              `json:"height"`
	Found     bool               `json:"found"`
	Value     *string            `json:"value"` // base64; null when absent
	Proof     *verify.StoreProof `json:"proof,omitempty"`
	StateRoot string             `json:"state_root,omitempty"`
	LogRoot   string             `json:"log_root,omitempty"`
	LogSize   uint64             `json:"log_size,omitempty"`
	AppHash   string             `json:"app_hash,omitempty"`
	Anchor    *verify.Anchor     `json:"anchor,omitempty"`
	// HeaderPending is set when the header that signs this height's app
	// hash (height+1) is not committed yet, so there is no anchor.
	HeaderPending bool `json:"header_pending,omitempty"`
}

// Proven is a module record with ?prove=true: the record as decoded from
// the proven value, and its state proof (docs/proofs.md).
type Proven[T any] struct {
	Record T      `json:"record"`
	Proof  *State `json:"proof"`
}

// Page is one page of a list, read at Height. Next, when set, is the
// cursor of the next page (pass it as ?after=, with ?height= to read the
// following pages at the same height); absent on the last page.
//
// Total is the number of records in the whole list (at the height read)
// when the node could count them cheaply: counting means reading the list,
// so a list longer than a node's cap (1000) shows TotalAtLeast instead,
// the cap. Neither is proven, even with prove=true.
type Page[T any] struct {
	Items        []T    `json:"items"`
	Next         string `json:"next,omitempty"`
	Height       int64  `json:"height"`
	Total        *int   `json:"total,omitempty"`
	TotalAtLeast int    `json:"total_at_least,omitempty"`
}

// Commitments are what the app hash of a height binds.
type Commitments struct {
	Height    int64  `json:"height"`
	AppHash   string `json:"app_hash"`
	StateRoot string `json:"state_root"`
	LogRoot   string `json:"log_root"`
	LogSize   uint64 `json:"log_size"`
}

// Consistency proves the log of size To extends the log of size From.
// With prove=true it is a complete consistency proof file (docs/proofs.md;
// `govchain verify consistency` reads it): both sizes end a height, and
// each carries that height's anchor.
type Consistency struct {
	Version    int            `json:"version,omitempty"`
	ChainID    string         `json:"chain_id,omitempty"`
	From       uint64         `json:"from"`
	To         uint64         `json:"to"`
	FromRoot   string         `json:"from_root"`
	ToRoot     string         `json:"to_root"`
	Proof      []string       `json:"proof"`
	FromAnchor *verify.Anchor `json:"from_anchor,omitempty"`
	ToAnchor   *verify.Anchor `json:"to_anchor,omitempty"`
}

// Code documents one result code.
type Code struct {
	Code      uint32 `json:"code"`
	Codespace string `json:"codespace"`
	Message   string `json:"message"`
}

// Codes lists every result code.
type Codes struct {
	Codes []Code `json:"codes"`
}

// Role says which module defines a role, what it is for, and which
// messages it allows.
type Role struct {
	Role     string   `json:"role"`
	Module   string   `json:"module"`
	Doc      string   `json:"doc"`
	Messages []string `json:"messages"`
	// DefaultGrantors are the departments the module entitles to grant the
	// role ("*": every department); the chain's own lists, set at genesis
	// and by proposal, are at /v1/identity/grantors.
	DefaultGrantors []string `json:"default_grantors"`
}

// Roles lists every role, and the messages any active account may send.
type Roles struct {
	Roles      []Role   `json:"roles"`
	AnyAccount []string `json:"any_account"`
}
