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
	ErrNonCanonical    = errors.New("verify: proof file differs from its canonical form")
	ErrSignature       = errors.New("verify: a signature in a commit does not verify")
	ErrMismatch        = errors.New("verify: a field differs from what was proven")
	ErrStateHeader     = errors.New("verify: state header is not the block the signed header follows")
	ErrConsistency     = errors.New("verify: log consistency proof does not lead from the old log root to the new one")
	ErrRecord          = errors.New("verify: record is not the proven value")
)

// Anchor binds a proof to validator signatures: the commitments of state
// height Height (hashing to AppHash) and the light blocks (signed header
// and validator set) from height 1 through every validator-set change to
// Height+1, whose header carries AppHash.
type Anchor struct {
	HashSuite string            `json:"hash_suite"` // sha256 or sm3
	Height    int64             `json:"height"`
	AppHash   string            `json:"app_hash"`
	StateRoot string            `json:"state_root"`
	LogRoot   string            `json:"log_root"`
	LogSize   uint64            `json:"log_size"`
	Headers   []json.RawMessage `json:"headers"` // CometBFT light blocks, CometBFT JSON
	// StateHeader is the header of block Height itself (CometBFT JSON), whose
	// hash the signed header Height+1 names as its last block: it proves the
	// block time of the state (which records derived at read time depend
	// on). Absent when Height is below the chain's initial height.
	StateHeader json.RawMessage `json:"state_header,omitempty"`
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
// Height, Found, StateRoot, LogRoot, LogSize and AppHash repeat what the
// proof and its anchor prove, for readers; the verifier refuses a file
// where they differ.
type StateProof struct {
	Version   int        `json:"version"`
	ChainID   string     `json:"chain_id"`
	Key       string     `json:"key"`
	Height    int64      `json:"height"`
	Found     bool       `json:"found"`
	Value     *string    `json:"value"` // base64; null proves absence
	Proof     StoreProof `json:"proof"`
	StateRoot string     `json:"state_root"`
	LogRoot   string     `json:"log_root"`
	LogSize   uint64     `json:"log_size,omitempty"`
	AppHash   string     `json:"app_hash"`
	Anchor    Anchor     `json:"anchor"`
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

// Trust is where header verification starts: the genesis validator set
// (at the genesis's initial height), or a trusted light block; and the
// chain's hash suite.
type Trust struct {
	ChainID       string
	Suite         crypto.Suite
	Genesis       *cmttypes.ValidatorSet
	InitialHeight int64 // with Genesis: the height of the first block (genesis initial_height; 1 when 0)
	Block         *cmttypes.LightBlock
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

func (t *Trust) initialHeight() int64 {
	if t.InitialHeight <= 0 {
		return 1
	}
	return t.InitialHeight
}

// TrustGenesis reads a genesis.json.
func TrustGenesis(path string) (*Trust, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("verify: genesis %s: %w", path, err)
	}
	t, err := TrustGenesisJSON(b)
	if err != nil {
		return nil, fmt.Errorf("verify: genesis %s: %w", path, err)
	}
	return t, nil
}

// TrustGenesisJSON reads the bytes of a genesis.json.
func TrustGenesisJSON(b []byte) (*Trust, error) {
	doc, err := cmttypes.GenesisDocFromJSON(b)
	if err != nil {
		return nil, err
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
	return &Trust{ChainID: doc.ChainID, Suite: suite, Genesis: cmttypes.NewValidatorSet(vals), InitialHeight: doc.InitialHeight}, nil
}

// TrustLightBlock reads a trusted light block (CometBFT JSON), as
// GET /v1/light/{height} returns it, for a chain of the named hash suite.
// Every signature of its commit must verify.
func TrustLightBlock(path, hashSuite string) (*Trust, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return TrustLightBlockJSON(b, hashSuite)
}

// TrustLightBlockJSON reads the bytes of a trusted light block.
func TrustLightBlockJSON(b []byte, hashSuite string) (*Trust, error) {
	suite, err := crypto.SuiteByName(hashSuite)
	if err != nil {
		return nil, err
	}
	lb, err := DecodeLightBlock(b)
	if err != nil {
		return nil, err
	}
	if _, err := checkCommit(lb); err != nil {
		return nil, err
	}
	return &Trust{ChainID: lb.ChainID, Suite: suite, Block: lb}, nil
}

// DecodeLightBlock parses and checks the form of a light block: CometBFT
// JSON exactly as CometBFT writes it, ValidateBasic for its own chain id.
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
	again, err := cmtjson.Marshal(&lb)
	if err != nil {
		return nil, fmt.Errorf("%w: light block: %w", ErrMalformed, err)
	}
	if err := sameJSON(b, again, fmt.Sprintf("light block %d", lb.Height)); err != nil {
		return nil, err
	}
	return &lb, nil
}

// EncodeLightBlock renders a light block in CometBFT JSON.
func EncodeLightBlock(lb *cmttypes.LightBlock) (json.RawMessage, error) {
	return cmtjson.Marshal(lb)
}

// EncodeHeader renders a header in CometBFT JSON (an anchor's
// state_header).
func EncodeHeader(h *cmttypes.Header) (json.RawMessage, error) {
	return cmtjson.Marshal(h)
}

// checkCommit verifies every signature a light block's commit carries
// (CometBFT's VerifyCommit: a commit or nil vote that does not verify
// fails it, and more than 2/3 of the set's power must have signed the
// block) and counts the signers.
func checkCommit(lb *cmttypes.LightBlock) (*Signed, error) {
	c := lb.Commit
	if err := lb.ValidatorSet.VerifyCommit(lb.ChainID, c.BlockID, lb.Height, c); err != nil {
		return nil, fmt.Errorf("%w: height %d: %w", ErrSignature, lb.Height, err)
	}
	s := &Signed{Height: lb.Height, Total: lb.ValidatorSet.Size(), TotalPower: lb.ValidatorSet.TotalVotingPower(), Hash: hex.EncodeToString(lb.Hash())}
	for i, sig := range c.Signatures {
		if sig.BlockIDFlag == cmttypes.BlockIDFlagCommit {
			s.Signers++
			s.Power += lb.ValidatorSet.Validators[i].VotingPower
			s.Addresses = append(s.Addresses, lb.ValidatorSet.Validators[i].Address.String())
		}
	}
	return s, nil
}

// Signed describes the header an anchor was verified against: the
// validators whose signatures for the block it carries, all of which
// verified.
type Signed struct {
	Height     int64  `json:"height"`      // header height (state height + 1)
	Signers    int    `json:"signers"`     // validators whose signature for the block verified
	Total      int    `json:"validators"`  // validators in the set
	Power      int64  `json:"power"`       // their voting power
	TotalPower int64  `json:"total_power"` // the set's voting power
	Hash       string `json:"block_hash"`
	// Addresses are the signers' validator addresses (hex, as CometBFT
	// writes them), in validator set order.
	Addresses []string `json:"signer_addresses"`
	// StateTime is the block time of the state height (from the anchor's
	// state header; zero before the first block).
	StateTime time.Time `json:"state_time"`
}

// Words says who signed, e.g. "3 of 4 validators (power 30 of 40)".
func (s *Signed) Words() string {
	return fmt.Sprintf("%d of %d validators (power %d of %d)", s.Signers, s.Total, s.Power, s.TotalPower)
}

func checkSuite(name string, t *Trust) error {
	if name != t.suite().Name {
		return fmt.Errorf("%w: proof made with %q, the chain uses %s", ErrSuite, name, t.suite().Name)
	}
	return nil
}

// VerifyAnchor checks the anchor's commitments, then its headers from the
// trust point, that the last header carries the app hash, and that the
// state header is the block the last header follows.
func VerifyAnchor(a *Anchor, chainID string, t *Trust) (*Signed, error) {
	if t.ChainID != chainID {
		return nil, fmt.Errorf("%w: proof for %q, trusting %q", ErrChainID, chainID, t.ChainID)
	}
	if err := checkSuite(a.HashSuite, t); err != nil {
		return nil, err
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
	stateTime, err := checkStateHeader(a, final)
	if err != nil {
		return nil, err
	}
	if err := verifyChain(blocks, chainID, t); err != nil {
		return nil, err
	}
	var s *Signed
	for _, lb := range blocks {
		if s, err = checkCommit(lb); err != nil {
			return nil, err
		}
	}
	s.StateTime = stateTime
	return s, nil
}

// checkStateHeader checks the anchor's state header: present exactly when
// the signed header follows a block (its last block id is set), and that
// block's header.
func checkStateHeader(a *Anchor, final *cmttypes.LightBlock) (time.Time, error) {
	if len(final.LastBlockID.Hash) == 0 {
		if a.StateHeader != nil {
			return time.Time{}, fmt.Errorf("%w: header %d is the chain's first, no block precedes it", ErrStateHeader, final.Height)
		}
		return time.Time{}, nil
	}
	if a.StateHeader == nil {
		return time.Time{}, fmt.Errorf("%w: missing", ErrStateHeader)
	}
	var h cmttypes.Header
	if err := cmtjson.Unmarshal(a.StateHeader, &h); err != nil {
		return time.Time{}, fmt.Errorf("%w: state header: %w", ErrMalformed, err)
	}
	again, err := cmtjson.Marshal(&h)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: state header: %w", ErrMalformed, err)
	}
	if err := sameJSON(a.StateHeader, again, "anchor.state_header"); err != nil {
		return time.Time{}, err
	}
	if err := h.ValidateBasic(); err != nil {
		return time.Time{}, fmt.Errorf("%w: state header: %w", ErrMalformed, err)
	}
	if !bytes.Equal(h.Hash(), final.LastBlockID.Hash) || h.Height != a.Height || h.ChainID != final.ChainID {
		return time.Time{}, fmt.Errorf("%w: height %d hashes to %X, header %d follows %X", ErrStateHeader, h.Height, h.Hash(), final.Height, final.LastBlockID.Hash)
	}
	return h.Time, nil
}

// Light verification runs with no clock: "now" is the new header's own
// time plus NowAfterHeader, with MaxClockDrift allowed (the header's time
// must be before now + drift, which it always is), and TrustingPeriod.
const (
	NowAfterHeader = time.Minute
	MaxClockDrift  = 10 * time.Second
)

// verifyChain checks each light block from the trust point on.
func verifyChain(blocks []*cmttypes.LightBlock, chainID string, t *Trust) error {
	var trusted *cmttypes.LightBlock
	i := 0
	switch {
	case t.Block != nil:
		trusted = t.Block
		if blocks[len(blocks)-1].Height < trusted.Height {
			return fmt.Errorf("%w: the proof is older than the trusted header; verify it from genesis", ErrHeaderChain)
		}
		for i < len(blocks) && blocks[i].Height < trusted.Height {
			i++
		}
		if i < len(blocks) && blocks[i].Height == trusted.Height {
			// The same block: the header hash covers every header field
			// and the validator set's hash. The commit is checked on its
			// own (every signature), not compared: two nodes may hold
			// different valid commits of their newest block.
			if !bytes.Equal(blocks[i].Hash(), trusted.Hash()) {
				return ErrTrustedMismatch
			}
			i++
		}
	default:
		first := blocks[0]
		if first.Height != t.initialHeight() {
			return fmt.Errorf("%w: from genesis the first header must be the initial height %d, got %d", ErrHeaderChain, t.initialHeight(), first.Height)
		}
		if !bytes.Equal(first.ValidatorSet.Hash(), t.Genesis.Hash()) {
			return fmt.Errorf("%w: height %d is signed by validators other than genesis's", ErrHeaderChain, first.Height)
		}
		// Its commit, every signature, is checked after the chain, with
		// the others (checkCommit; the anchor verifies only if both
		// pass): the same validators and powers as genesis's.
		trusted, i = first, 1
	}
	for ; i < len(blocks); i++ {
		lb := blocks[i]
		now := lb.Time.Add(NowAfterHeader)
		if err := lightverify.Verify(trusted.SignedHeader, trusted.ValidatorSet, lb.SignedHeader, lb.ValidatorSet,
			TrustingPeriod, now, MaxClockDrift, lightverify.DefaultTrustLevel); err != nil {
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
	// Record, for a module record, is the record decoded from the proven
	// value (as the API shows it), and RecordType its kind.
	Record     json.RawMessage `json:"record,omitempty"`
	RecordType string          `json:"record_type,omitempty"`
}

// ParseReceipt reads a receipt file strictly (see parseStrict).
func ParseReceipt(b []byte) (*Receipt, error) {
	var r Receipt
	return &r, parseStrict(b, "receipt", &r)
}

// ParseStateProof reads a state proof file strictly.
func ParseStateProof(b []byte) (*StateProof, error) {
	var p StateProof
	return &p, parseStrict(b, "state proof", &p)
}

// ParseLogProof reads a log proof file strictly.
func ParseLogProof(b []byte) (*LogProof, error) {
	var p LogProof
	return &p, parseStrict(b, "log proof", &p)
}

// VerifyReceipt checks a receipt completely.
func VerifyReceipt(r *Receipt, t *Trust) (*Result, error) {
	if r.Version != Version {
		return nil, fmt.Errorf("%w: %d", ErrVersion, r.Version)
	}
	raw, err := decodeBase64(r.Tx)
	if err != nil || len(raw) == 0 || len(raw) > tx.MaxTxBytes {
		return nil, fmt.Errorf("%w: tx", ErrMalformed)
	}
	e, err := r.Entry.ledger()
	if err != nil {
		return nil, err
	}
	if err := checkSuite(r.Anchor.HashSuite, t); err != nil {
		return nil, err
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
		"tx %X was committed at height %d (log index %d) of %s, signed by %s; result %s",
		e.TxHash, e.Height, r.LogIndex, r.ChainID, s.Words(), result)}, nil
}

// VerifyStateProof checks a state proof completely.
func VerifyStateProof(p *StateProof, t *Trust) (*Result, error) {
	_, res, err := verifyState(p, t)
	return res, err
}

// verifyState checks a state proof and returns the proven value (nil:
// absent).
func verifyState(p *StateProof, t *Trust) ([]byte, *Result, error) {
	v, what, err := checkStateProof(p, t)
	if err != nil {
		return nil, nil, err
	}
	s, err := VerifyAnchor(&p.Anchor, p.ChainID, t)
	if err != nil {
		return nil, nil, err
	}
	return v, &Result{Height: p.Anchor.Height, Signed: s, Summary: fmt.Sprintf(
		"key %q %s at height %d of %s, signed by %s", p.Key, what, p.Anchor.Height, p.ChainID, s.Words())}, nil
}

// checkStateProof checks everything of a state proof but its anchor's
// headers: the value against the anchor's state root. It returns the
// proven value (nil: absent) and what it proves, in words.
func checkStateProof(p *StateProof, t *Trust) ([]byte, string, error) {
	if p.Version != Version {
		return nil, "", fmt.Errorf("%w: %d", ErrVersion, p.Version)
	}
	if err := checkSuite(p.Anchor.HashSuite, t); err != nil {
		return nil, "", err
	}
	sp, err := p.Proof.store()
	if err != nil {
		return nil, "", err
	}
	root, err := decodeHash(p.Anchor.StateRoot)
	if err != nil {
		return nil, "", err
	}
	// The copies of what the anchor proves must be the anchor's.
	a := &p.Anchor
	switch {
	case p.Height != a.Height:
		return nil, "", fmt.Errorf("%w: height %d, the anchor proves height %d", ErrMismatch, p.Height, a.Height)
	case p.StateRoot != a.StateRoot, p.LogRoot != a.LogRoot, p.LogSize != a.LogSize, p.AppHash != a.AppHash:
		return nil, "", fmt.Errorf("%w: state_root, log_root, log_size and app_hash must be the anchor's", ErrMismatch)
	case p.Found != (p.Value != nil):
		return nil, "", fmt.Errorf("%w: found is %v, the value is %s", ErrMismatch, p.Found, map[bool]string{true: "present", false: "null"}[p.Value != nil])
	}
	var v []byte
	what := "has no value"
	if p.Value != nil {
		if v, err = decodeBase64(*p.Value); err != nil {
			return nil, "", err
		}
		err = t.storeHasher().VerifyMembership(root, []byte(p.Key), v, sp)
		if err != nil {
			return nil, "", fmt.Errorf("%w: %w", ErrStateProof, err)
		}
		what = fmt.Sprintf("has the value of %d bytes, %s %X", len(v), t.suite().Name, t.storeHasher().ValueHash(v))
	} else if err := t.storeHasher().VerifyNonMembership(root, []byte(p.Key), sp); err != nil {
		return nil, "", fmt.Errorf("%w: %w", ErrStateProof, err)
	}
	return v, what, nil
}

// VerifyLogProof checks a log proof completely.
func VerifyLogProof(p *LogProof, t *Trust) (*Result, error) {
	if p.Version != Version {
		return nil, fmt.Errorf("%w: %d", ErrVersion, p.Version)
	}
	if err := checkSuite(p.Anchor.HashSuite, t); err != nil {
		return nil, err
	}
	e, err := p.Entry.ledger()
	if err != nil {
		return nil, err
	}
	if int64(e.Height) > p.Anchor.Height {
		return nil, fmt.Errorf("%w: entry of height %d in the log of height %d", ErrHeight, e.Height, p.Anchor.Height)
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
		"log entry %d (tx %X, height %d, code %d) is in the log of %d entries at height %d of %s, signed by %s",
		p.Index, e.TxHash, e.Height, e.Code, p.Anchor.LogSize, p.Anchor.Height, p.ChainID, s.Words())}, nil
}

// decodeHex32 reads a 32-byte hash written as 64 lower-case hex digits
// (the only form the formats use).
func decodeHex32(s string) ([]byte, error) {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 32 || hex.EncodeToString(b) != s {
		return nil, fmt.Errorf("%w: %q is not a 32-byte hash in lower-case hex", ErrMalformed, truncate(s))
	}
	return b, nil
}

// decodeBase64 reads standard base64 with padding in its one canonical
// form.
func decodeBase64(s string) ([]byte, error) {
	b, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil || base64.StdEncoding.EncodeToString(b) != s {
		return nil, fmt.Errorf("%w: %q is not canonical base64", ErrMalformed, truncate(s))
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

// VerifyFile reads and verifies a proof file of the named kind: receipt,
// state (a state proof, or a proven module record {record, proof}, checked
// with decode), log or consistency.
func VerifyFile(kind string, b []byte, t *Trust, decode RecordDecoder) (*Result, error) {
	switch kind {
	case "receipt":
		r, err := ParseReceipt(b)
		if err != nil {
			return nil, err
		}
		return VerifyReceipt(r, t)
	case "state", "record":
		if isRecordFile(b) {
			p, err := ParseRecord(b)
			if err != nil {
				return nil, err
			}
			return VerifyRecord(p, t, decode)
		}
		p, err := ParseStateProof(b)
		if err != nil {
			return nil, err
		}
		return VerifyStateProof(p, t)
	case "log":
		p, err := ParseLogProof(b)
		if err != nil {
			return nil, err
		}
		return VerifyLogProof(p, t)
	case "consistency":
		p, err := ParseConsistency(b)
		if err != nil {
			return nil, err
		}
		return VerifyConsistency(p, t)
	}
	return nil, fmt.Errorf("%w: no proof kind %q (receipt, state, log, consistency)", ErrMalformed, kind)
}

// isRecordFile tells a proven module record ({record, proof}) from a bare
// state proof.
func isRecordFile(b []byte) bool {
	var probe map[string]json.RawMessage
	if json.Unmarshal(b, &probe) != nil {
		return false
	}
	_, ok := probe["record"]
	return ok
}
