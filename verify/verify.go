// Package verify checks govchain's proofs offline: receipts (a transaction
// is in the record log with its result), state proofs (a key has a value, or
// none) and log proofs, each anchored to an app hash that the validators
// signed. Headers are checked with CometBFT's light client verifier (the
// copy in verify/lightverify), following validator-set changes from a
// trusted starting point: the genesis validators, or a trusted header.
//
// The formats are specified in docs/proofs.md. Everything here is pure: no
// network, no clock (the light client's time checks are given the headers'
// own times; see TrustingPeriod). It imports store, ledger and tx, never
// node, api or app, and nothing that reaches Pebble or CometBFT's node, p2p,
// rpc or light packages (deps_test.go).
package verify

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	cmtjson "github.com/cometbft/cometbft/libs/json"
	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/govchain/govchain/crypto"
	"github.com/govchain/govchain/ledger"
	"github.com/govchain/govchain/store"
	"github.com/govchain/govchain/tx"
	"github.com/govchain/govchain/verify/lightverify"
)

// Version is the proof format version this package writes and reads.
const Version = 1

// TrustingPeriod is how long a trusted validator set stays trusted in the
// light client's sense. govchain is permissioned: validators are
// departments whose keys are changed only by m-of-n proposals, recorded on
// the ledger, so trust does not lapse with time; the period only has to
// exceed any chain's age.
const TrustingPeriod = 100 * 365 * 24 * time.Hour

// Errors. Every failure wraps one of them, with the detail.
var (
	ErrMalformed       = errors.New("verify: malformed proof")
	ErrVersion         = errors.New("verify: unsupported proof version")
	ErrChainID         = errors.New("verify: proof is for another chain")
	ErrTxHash          = errors.New("verify: transaction does not match the log entry's hash")
	ErrEventsHash      = errors.New("verify: events do not match the log entry's events hash")
	ErrHeight          = errors.New("verify: heights do not match")
	ErrInclusion       = errors.New("verify: log inclusion proof does not lead to the log root")
	ErrAppHash         = errors.New("verify: state root, log root and log size do not hash to the app hash")
	ErrHeaderAppHash   = errors.New("verify: signed header carries another app hash")
	ErrHeaderChain     = errors.New("verify: headers do not verify from the trusted validators")
	ErrStateProof      = errors.New("verify: state proof does not lead to the state root")
	ErrNoHeader        = errors.New("verify: proof has no signed header")
	ErrTrustedMismatch = errors.New("verify: header at the trusted height differs from the trusted header")
	ErrSuite           = errors.New("verify: proof uses another hash suite than the trusted chain")
)

// Anchor binds a proof to validator signatures: the commitments of state
// height Height (hashing to AppHash) and the light blocks (signed header
// and validator set) from height 1 through every validator-set change to
// Height+1, whose header carries AppHash.
type Anchor struct {
	HashSuite string            `json:"hash_suite,omitempty"` // sha256 when absent
	Height    int64             `json:"height"`
	AppHash   string            `json:"app_hash"`
	StateRoot string            `json:"state_root"`
	LogRoot   string            `json:"log_root"`
	LogSize   uint64            `json:"log_size"`
	Headers   []json.RawMessage `json:"headers"` // CometBFT light blocks, CometBFT JSON
}

// Entry is a log entry in JSON (hashes in hex).
type Entry struct {
	TxHash     string `json:"tx_hash"`
	Height     uint64 `json:"height"`
	Code       uint32 `json:"code"`
	EventsHash string `json:"events_hash"`
}

// NewEntry renders a ledger entry.
func NewEntry(e *ledger.Entry) Entry {
	return Entry{TxHash: hex.EncodeToString(e.TxHash), Height: e.Height, Code: e.Code, EventsHash: hex.EncodeToString(e.EventsHash)}
}

func (e Entry) ledger() (*ledger.Entry, error) {
	th, err1 := decodeHex32(e.TxHash)
	eh, err2 := decodeHex32(e.EventsHash)
	if err := errors.Join(err1, err2); err != nil {
		return nil, err
	}
	return &ledger.Entry{TxHash: th, Height: e.Height, Code: e.Code, EventsHash: eh}, nil
}

// Receipt proves that a transaction was committed, where and with what
// result.
type Receipt struct {
	Version        int            `json:"version"`
	ChainID        string         `json:"chain_id"`
	Tx             string         `json:"tx"` // base64 canonical CBOR
	Entry          Entry          `json:"entry"`
	Events         []ledger.Event `json:"events"`
	LogIndex       uint64         `json:"log_index"`
	InclusionProof []string       `json:"inclusion_proof"`
	Anchor         Anchor         `json:"anchor"`
}

// StateProof proves the value of a key (or its absence) at a height.
type StateProof struct {
	Version int        `json:"version"`
	ChainID string     `json:"chain_id"`
	Key     string     `json:"key"`
	Value   *string    `json:"value"` // base64; null proves absence
	Proof   StoreProof `json:"proof"`
	Anchor  Anchor     `json:"anchor"`
}

// StoreProof is a sparse Merkle proof in JSON (hashes in hex).
type StoreProof struct {
	Siblings []string `json:"siblings"`
	Leaf     *struct {
		KeyHash   string `json:"key_hash"`
		ValueHash string `json:"value_hash"`
	} `json:"leaf,omitempty"`
}

// NewStoreProof renders a store proof.
func NewStoreProof(p *store.Proof) StoreProof {
	out := StoreProof{Siblings: make([]string, len(p.Siblings))}
	for i, s := range p.Siblings {
		out.Siblings[i] = hex.EncodeToString(s[:])
	}
	if p.Leaf != nil {
		out.Leaf = &struct {
			KeyHash   string `json:"key_hash"`
			ValueHash string `json:"value_hash"`
		}{hex.EncodeToString(p.Leaf.KeyHash[:]), hex.EncodeToString(p.Leaf.ValueHash[:])}
	}
	return out
}

func (sp StoreProof) store() (*store.Proof, error) {
	p := &store.Proof{}
	if len(sp.Siblings) > 256 {
		return nil, fmt.Errorf("%w: %d siblings", ErrMalformed, len(sp.Siblings))
	}
	for _, s := range sp.Siblings {
		h, err := decodeHash(s)
		if err != nil {
			return nil, err
		}
		p.Siblings = append(p.Siblings, h)
	}
	if sp.Leaf != nil {
		k, err1 := decodeHash(sp.Leaf.KeyHash)
		v, err2 := decodeHash(sp.Leaf.ValueHash)
		if err := errors.Join(err1, err2); err != nil {
			return nil, err
		}
		p.Leaf = &store.ProofLeaf{KeyHash: k, ValueHash: v}
	}
	return p, nil
}

// LogProof proves that an entry is in the log at a height.
type LogProof struct {
	Version        int      `json:"version"`
	ChainID        string   `json:"chain_id"`
	Index          uint64   `json:"index"`
	Entry          Entry    `json:"entry"`
	InclusionProof []string `json:"inclusion_proof"`
	Anchor         Anchor   `json:"anchor"`
}

// Trust is where header verification starts: the genesis validator set, or
// a trusted light block; and the chain's hash suite.
type Trust struct {
	ChainID string
	Suite   crypto.Suite
	Genesis *cmttypes.ValidatorSet
	Block   *cmttypes.LightBlock
}

func (t *Trust) suite() crypto.Suite {
	if t.Suite.Sum == nil {
		return crypto.SuiteSHA256
	}
	return t.Suite
}

func (t *Trust) logHasher() ledger.Hasher {
	s := t.suite()
	return ledger.NewHasher(s.Name, s.Sum)
}

func (t *Trust) storeHasher() store.Hasher {
	s := t.suite()
	return store.NewHasher(s.Name, s.Sum)
}

// TrustGenesis reads a genesis.json.
func TrustGenesis(path string) (*Trust, error) {
	doc, err := cmttypes.GenesisDocFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("verify: genesis %s: %w", path, err)
	}
	vals := make([]*cmttypes.Validator, len(doc.Validators))
	for i, v := range doc.Validators {
		vals[i] = cmttypes.NewValidator(v.PubKey, v.Power)
	}
	var st struct {
		HashSuite string `json:"hash_suite"`
	}
	if len(doc.AppState) > 0 {
		if err := json.Unmarshal(doc.AppState, &st); err != nil {
			return nil, fmt.Errorf("verify: genesis app_state: %w", err)
		}
	}
	suite, err := crypto.SuiteByName(st.HashSuite)
	if err != nil {
		return nil, err
	}
	return &Trust{ChainID: doc.ChainID, Suite: suite, Genesis: cmttypes.NewValidatorSet(vals)}, nil
}

// TrustLightBlock reads a trusted light block (CometBFT JSON), as
// GET /v1/light/{height} returns it, for a chain of the named hash suite.
func TrustLightBlock(path, hashSuite string) (*Trust, error) {
	suite, err := crypto.SuiteByName(hashSuite)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	lb, err := DecodeLightBlock(b)
	if err != nil {
		return nil, err
	}
	return &Trust{ChainID: lb.ChainID, Suite: suite, Block: lb}, nil
}

// DecodeLightBlock parses and checks the form of a light block.
func DecodeLightBlock(b []byte) (*cmttypes.LightBlock, error) {
	var lb cmttypes.LightBlock
	if err := cmtjson.Unmarshal(b, &lb); err != nil {
		return nil, fmt.Errorf("%w: light block: %w", ErrMalformed, err)
	}
	if lb.SignedHeader == nil || lb.SignedHeader.Header == nil || lb.SignedHeader.Commit == nil || lb.ValidatorSet == nil {
		return nil, fmt.Errorf("%w: light block without header, commit or validators", ErrMalformed)
	}
	if err := lb.ValidateBasic(lb.ChainID); err != nil {
		return nil, fmt.Errorf("%w: light block: %w", ErrMalformed, err)
	}
	return &lb, nil
}

// EncodeLightBlock renders a light block in CometBFT JSON.
func EncodeLightBlock(lb *cmttypes.LightBlock) (json.RawMessage, error) {
	return cmtjson.Marshal(lb)
}

// Signed describes the header an anchor was verified against.
type Signed struct {
	Height  int64  // header height (state height + 1)
	Signers int    // validators whose signatures the commit carries
	Total   int    // validators in the set
	Hash    string // block hash
}

// VerifyAnchor checks the anchor's commitments, then its headers from the
// trust point, and that the last header carries the app hash.
func VerifyAnchor(a *Anchor, chainID string, t *Trust) (*Signed, error) {
	if t.ChainID != chainID {
		return nil, fmt.Errorf("%w: proof for %q, trusting %q", ErrChainID, chainID, t.ChainID)
	}
	if name := a.HashSuite; name != t.suite().Name && !(name == "" && t.suite().Name == crypto.SuiteSHA256.Name) {
		return nil, fmt.Errorf("%w: proof made with %q, the chain uses %s", ErrSuite, name, t.suite().Name)
	}
	stateRoot, err1 := decodeHex32(a.StateRoot)
	logRoot, err2 := decodeHex32(a.LogRoot)
	appHash, err3 := decodeHex32(a.AppHash)
	if err := errors.Join(err1, err2, err3); err != nil {
		return nil, err
	}
	if !bytes.Equal(t.logHasher().AppHash(stateRoot, logRoot, a.LogSize), appHash) {
		return nil, ErrAppHash
	}
	if len(a.Headers) == 0 {
		return nil, ErrNoHeader
	}
	if len(a.Headers) > 10000 {
		return nil, fmt.Errorf("%w: %d headers", ErrMalformed, len(a.Headers))
	}
	blocks := make([]*cmttypes.LightBlock, len(a.Headers))
	for i, raw := range a.Headers {
		lb, err := DecodeLightBlock(raw)
		if err != nil {
			return nil, err
		}
		if lb.ChainID != chainID {
			return nil, fmt.Errorf("%w: header %d is for %q", ErrChainID, lb.Height, lb.ChainID)
		}
		if i > 0 && lb.Height <= blocks[i-1].Height {
			return nil, fmt.Errorf("%w: headers out of order", ErrMalformed)
		}
		blocks[i] = lb
	}
	final := blocks[len(blocks)-1]
	if final.Height != a.Height+1 {
		return nil, fmt.Errorf("%w: the last header is at %d, the app hash of height %d is in header %d", ErrHeight, final.Height, a.Height, a.Height+1)
	}
	if !bytes.Equal(final.AppHash, appHash) {
		return nil, ErrHeaderAppHash
	}
	if err := verifyChain(blocks, chainID, t); err != nil {
		return nil, err
	}
	s := &Signed{Height: final.Height, Total: final.ValidatorSet.Size(), Hash: hex.EncodeToString(final.Hash())}
	for _, sig := range final.Commit.Signatures {
		if sig.BlockIDFlag == cmttypes.BlockIDFlagCommit {
			s.Signers++
		}
	}
	return s, nil
}

// verifyChain checks each light block from the trust point on.
func verifyChain(blocks []*cmttypes.LightBlock, chainID string, t *Trust) error {
	var trusted *cmttypes.LightBlock
	i := 0
	switch {
	case t.Block != nil:
		trusted = t.Block
		for i < len(blocks) && blocks[i].Height < trusted.Height {
			i++
		}
		if i < len(blocks) && blocks[i].Height == trusted.Height {
			if !bytes.Equal(blocks[i].Hash(), trusted.Hash()) {
				return ErrTrustedMismatch
			}
			i++
		}
		if blocks[len(blocks)-1].Height < trusted.Height {
			return fmt.Errorf("%w: the proof is older than the trusted header; verify it from genesis", ErrHeaderChain)
		}
	default:
		first := blocks[0]
		if first.Height != 1 {
			return fmt.Errorf("%w: from genesis the first header must be height 1, got %d", ErrHeaderChain, first.Height)
		}
		if !bytes.Equal(first.ValidatorSet.Hash(), t.Genesis.Hash()) {
			return fmt.Errorf("%w: height 1 is signed by validators other than genesis's", ErrHeaderChain)
		}
		if err := t.Genesis.VerifyCommitLight(chainID, first.Commit.BlockID, first.Height, first.Commit); err != nil {
			return fmt.Errorf("%w: height 1: %w", ErrHeaderChain, err)
		}
		trusted, i = first, 1
	}
	for ; i < len(blocks); i++ {
		lb := blocks[i]
		now := lb.Time.Add(time.Minute)
		if err := lightverify.Verify(trusted.SignedHeader, trusted.ValidatorSet, lb.SignedHeader, lb.ValidatorSet,
			TrustingPeriod, now, 10*time.Second, lightverify.DefaultTrustLevel); err != nil {
			return fmt.Errorf("%w: height %d from height %d: %w", ErrHeaderChain, lb.Height, trusted.Height, err)
		}
		trusted = lb
	}
	return nil
}

// Result says in words what a verification proved.
type Result struct {
	Summary string  `json:"summary"`
	Height  int64   `json:"height"`
	Signed  *Signed `json:"signed"`
}

// VerifyReceipt checks a receipt completely.
func VerifyReceipt(r *Receipt, t *Trust) (*Result, error) {
	if r.Version != Version {
		return nil, fmt.Errorf("%w: %d", ErrVersion, r.Version)
	}
	raw, err := base64.StdEncoding.DecodeString(r.Tx)
	if err != nil || len(raw) == 0 || len(raw) > tx.MaxTxBytes {
		return nil, fmt.Errorf("%w: tx", ErrMalformed)
	}
	e, err := r.Entry.ledger()
	if err != nil {
		return nil, err
	}
	if name := r.Anchor.HashSuite; name != t.suite().Name && !(name == "" && t.suite().Name == crypto.SuiteSHA256.Name) {
		return nil, fmt.Errorf("%w: receipt made with %q, the chain uses %s", ErrSuite, name, t.suite().Name)
	}
	h := t.suite().Sum(raw)
	if !bytes.Equal(h[:], e.TxHash) {
		return nil, ErrTxHash
	}
	if !bytes.Equal(t.logHasher().EventsHash(r.Events), e.EventsHash) {
		return nil, ErrEventsHash
	}
	if int64(e.Height) != r.Anchor.Height {
		return nil, fmt.Errorf("%w: entry at height %d, anchor at %d", ErrHeight, e.Height, r.Anchor.Height)
	}
	proof, err := decodeHexList(r.InclusionProof)
	if err != nil {
		return nil, err
	}
	logRoot, err := decodeHex32(r.Anchor.LogRoot)
	if err != nil {
		return nil, err
	}
	if err := t.logHasher().VerifyInclusion(e, r.LogIndex, r.Anchor.LogSize, proof, logRoot); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInclusion, err)
	}
	s, err := VerifyAnchor(&r.Anchor, r.ChainID, t)
	if err != nil {
		return nil, err
	}
	result := "OK"
	if e.Code != 0 {
		result = fmt.Sprintf("failed with code %d", e.Code)
	}
	return &Result{Height: int64(e.Height), Signed: s, Summary: fmt.Sprintf(
		"tx %X was committed at height %d (log index %d) by %d of %d validators of %s; result %s",
		e.TxHash, e.Height, r.LogIndex, s.Signers, s.Total, r.ChainID, result)}, nil
}

// VerifyStateProof checks a state proof completely.
func VerifyStateProof(p *StateProof, t *Trust) (*Result, error) {
	if p.Version != Version {
		return nil, fmt.Errorf("%w: %d", ErrVersion, p.Version)
	}
	sp, err := p.Proof.store()
	if err != nil {
		return nil, err
	}
	root, err := decodeHash(p.Anchor.StateRoot)
	if err != nil {
		return nil, err
	}
	what := "has no value"
	if p.Value != nil {
		v, err := base64.StdEncoding.DecodeString(*p.Value)
		if err != nil {
			return nil, fmt.Errorf("%w: value is not base64", ErrMalformed)
		}
		err = t.storeHasher().VerifyMembership(root, []byte(p.Key), v, sp)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrStateProof, err)
		}
		what = fmt.Sprintf("has the value of %d bytes, %s %X", len(v), t.suite().Name, t.storeHasher().ValueHash(v))
	} else if err := t.storeHasher().VerifyNonMembership(root, []byte(p.Key), sp); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrStateProof, err)
	}
	s, err := VerifyAnchor(&p.Anchor, p.ChainID, t)
	if err != nil {
		return nil, err
	}
	return &Result{Height: p.Anchor.Height, Signed: s, Summary: fmt.Sprintf(
		"key %q %s at height %d of %s, signed by %d of %d validators", p.Key, what, p.Anchor.Height, p.ChainID, s.Signers, s.Total)}, nil
}

// VerifyLogProof checks a log proof completely.
func VerifyLogProof(p *LogProof, t *Trust) (*Result, error) {
	if p.Version != Version {
		return nil, fmt.Errorf("%w: %d", ErrVersion, p.Version)
	}
	e, err := p.Entry.ledger()
	if err != nil {
		return nil, err
	}
	proof, err := decodeHexList(p.InclusionProof)
	if err != nil {
		return nil, err
	}
	logRoot, err := decodeHex32(p.Anchor.LogRoot)
	if err != nil {
		return nil, err
	}
	if err := t.logHasher().VerifyInclusion(e, p.Index, p.Anchor.LogSize, proof, logRoot); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInclusion, err)
	}
	s, err := VerifyAnchor(&p.Anchor, p.ChainID, t)
	if err != nil {
		return nil, err
	}
	return &Result{Height: p.Anchor.Height, Signed: s, Summary: fmt.Sprintf(
		"log entry %d (tx %X, height %d, code %d) is in the log of %d entries at height %d of %s, signed by %d of %d validators",
		p.Index, e.TxHash, e.Height, e.Code, p.Anchor.LogSize, p.Anchor.Height, p.ChainID, s.Signers, s.Total)}, nil
}

func decodeHex32(s string) ([]byte, error) {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 32 {
		return nil, fmt.Errorf("%w: %q is not a 32-byte hex hash", ErrMalformed, truncate(s))
	}
	return b, nil
}

func decodeHash(s string) (store.Hash, error) {
	var h store.Hash
	b, err := decodeHex32(s)
	copy(h[:], b)
	return h, err
}

func decodeHexList(ss []string) ([][]byte, error) {
	if len(ss) > 64 {
		return nil, fmt.Errorf("%w: proof of %d hashes", ErrMalformed, len(ss))
	}
	out := make([][]byte, len(ss))
	for i, s := range ss {
		b, err := decodeHex32(s)
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	return out, nil
}

func truncate(s string) string {
	if len(s) > 20 {
		return s[:20] + "..."
	}
	return s
}
