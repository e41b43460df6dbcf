// Package indepverify is an independent verifier of govchain proof files,
// written from docs/proofs.md, docs/transactions.md, docs/registry.md,
// docs/identity.md and docs/crypto.md only (no govchain code is imported).
package indepverify

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cometbft/cometbft/crypto/ed25519"
	tmjson "github.com/cometbft/cometbft/libs/json"
	"github.com/cometbft/cometbft/light"
	"github.com/cometbft/cometbft/types"
	"github.com/emmansun/gmsm/sm3"
	"github.com/fxamacker/cbor/v2"
	"github.com/transparency-dev/merkle/proof"
)

// ---------- hash suite ----------

type Suite struct {
	Name string
	New  func() hash.Hash
}

func SuiteByName(n string) (Suite, error) {
	switch n {
	case "sha256":
		return Suite{"sha256", sha256.New}, nil
	case "sm3":
		return Suite{"sm3", sm3.New}, nil
	}
	return Suite{}, fmt.Errorf("unknown hash suite %q", n)
}

func (s Suite) H(parts ...[]byte) []byte {
	h := s.New()
	for _, p := range parts {
		h.Write(p)
	}
	return h.Sum(nil)
}

// logHasher: RFC 6962 with H (transparency-dev merkle LogHasher).
type logHasher struct{ s Suite }

func (l logHasher) EmptyRoot() []byte               { return l.s.H(nil) }
func (l logHasher) HashLeaf(leaf []byte) []byte     { return l.s.H([]byte{0}, leaf) }
func (l logHasher) HashChildren(a, b []byte) []byte { return l.s.H([]byte{1}, a, b) }
func (l logHasher) Size() int                       { return 32 }

// ---------- trust ----------

type Trust struct {
	ChainID       string
	Suite         Suite
	InitialHeight int64
	GenesisVals   *types.ValidatorSet // when trusting genesis
	Trusted       *types.LightBlock   // when trusting a light block
}

type genesisFile struct {
	ChainID       string          `json:"chain_id"`
	InitialHeight json.RawMessage `json:"initial_height"`
	Validators    []struct {
		PubKey struct {
			Type  string `json:"type"`
			Value string `json:"value"`
		} `json:"pub_key"`
		Power string `json:"power"`
	} `json:"validators"`
	AppState struct {
		HashSuite string `json:"hash_suite"`
	} `json:"app_state"`
}

func TrustGenesis(b []byte) (*Trust, error) {
	var g genesisFile
	if err := json.Unmarshal(b, &g); err != nil {
		return nil, err
	}
	ih := int64(0)
	if len(g.InitialHeight) > 0 && string(g.InitialHeight) != "null" {
		s := strings.Trim(string(g.InitialHeight), `"`)
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("initial_height: %w", err)
		}
		ih = v
	}
	if ih == 0 {
		ih = 1
	}
	sn := g.AppState.HashSuite
	if sn == "" {
		sn = "sha256"
	}
	suite, err := SuiteByName(sn)
	if err != nil {
		return nil, err
	}
	var vals []*types.Validator
	for _, v := range g.Validators {
		if v.PubKey.Type != "tendermint/PubKeyEd25519" {
			return nil, fmt.Errorf("unsupported key type %s", v.PubKey.Type)
		}
		pk, err := base64.StdEncoding.DecodeString(v.PubKey.Value)
		if err != nil || len(pk) != ed25519.PubKeySize {
			return nil, fmt.Errorf("bad validator key")
		}
		p, err := strconv.ParseInt(v.Power, 10, 64)
		if err != nil {
			return nil, err
		}
		vals = append(vals, types.NewValidator(ed25519.PubKey(pk), p))
	}
	vs := types.NewValidatorSet(vals)
	if err := vs.ValidateBasic(); err != nil {
		return nil, err
	}
	return &Trust{ChainID: g.ChainID, Suite: suite, InitialHeight: ih, GenesisVals: vs}, nil
}

func TrustLightBlock(b []byte, suiteName string) (*Trust, error) {
	var lb types.LightBlock
	if err := tmjson.Unmarshal(b, &lb); err != nil {
		return nil, err
	}
	if lb.SignedHeader == nil || lb.Header == nil {
		return nil, errors.New("trusted light block without header")
	}
	cid := lb.Header.ChainID
	if err := lb.ValidateBasic(cid); err != nil {
		return nil, err
	}
	if err := lb.ValidatorSet.VerifyCommit(cid, lb.Commit.BlockID, lb.Height, lb.Commit); err != nil {
		return nil, fmt.Errorf("R7 trusted block: %w", err)
	}
	s, err := SuiteByName(suiteName)
	if err != nil {
		return nil, err
	}
	return &Trust{ChainID: cid, Suite: s, Trusted: &lb}, nil
}

// ---------- result ----------

type Result struct {
	Signers, Validators int
	Power, TotalPower   int64
}

// ---------- file formats ----------

type Anchor struct {
	HashSuite   string            `json:"hash_suite"`
	Height      uint64            `json:"height"`
	AppHash     string            `json:"app_hash"`
	StateRoot   string            `json:"state_root"`
	LogRoot     string            `json:"log_root"`
	LogSize     uint64            `json:"log_size,omitempty"`
	Headers     []json.RawMessage `json:"headers"`
	StateHeader json.RawMessage   `json:"state_header,omitempty"`

	lbs []*types.LightBlock
	sh  *types.Header
}

type Entry struct {
	TxHash     string `json:"tx_hash"`
	Height     uint64 `json:"height"`
	Code       uint64 `json:"code"`
	EventsHash string `json:"events_hash"`
}

type Attr struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}
type Event struct {
	Type       string `json:"type"`
	Attributes []Attr `json:"attributes,omitempty"`
}

type Receipt struct {
	Version        uint64   `json:"version"`
	ChainID        string   `json:"chain_id"`
	Tx             string   `json:"tx"`
	Entry          Entry    `json:"entry"`
	Events         []Event  `json:"events"`
	LogIndex       uint64   `json:"log_index"`
	InclusionProof []string `json:"inclusion_proof"`
	Anchor         Anchor   `json:"anchor"`
}

type SMTLeaf struct {
	KeyHash   string `json:"key_hash"`
	ValueHash string `json:"value_hash"`
}
type SMTProof struct {
	Siblings []string `json:"siblings"`
	Leaf     *SMTLeaf `json:"leaf,omitempty"`
}

type StateProof struct {
	Version   uint64   `json:"version"`
	ChainID   string   `json:"chain_id"`
	Key       string   `json:"key"`
	Height    uint64   `json:"height"`
	Found     bool     `json:"found"`
	Value     *string  `json:"value"`
	Proof     SMTProof `json:"proof"`
	StateRoot string   `json:"state_root"`
	LogRoot   string   `json:"log_root"`
	LogSize   uint64   `json:"log_size,omitempty"`
	AppHash   string   `json:"app_hash"`
	Anchor    Anchor   `json:"anchor"`
}

type ProvenRecord struct {
	Record json.RawMessage `json:"record"`
	Proof  StateProof      `json:"proof"`
}

type LogProof struct {
	Version        uint64   `json:"version"`
	ChainID        string   `json:"chain_id"`
	Index          uint64   `json:"index"`
	Entry          Entry    `json:"entry"`
	InclusionProof []string `json:"inclusion_proof"`
	Anchor         Anchor   `json:"anchor"`
}

type ConsistencyProof struct {
	Version    uint64   `json:"version"`
	ChainID    string   `json:"chain_id"`
	From       uint64   `json:"from"`
	To         uint64   `json:"to"`
	FromRoot   string   `json:"from_root"`
	ToRoot     string   `json:"to_root"`
	Proof      []string `json:"proof"`
	FromAnchor Anchor   `json:"from_anchor"`
	ToAnchor   Anchor   `json:"to_anchor"`
}

// ---------- R1: reading, canonical form ----------

var ErrMalformed = errors.New("R1 malformed")

// decodeStrict decodes b into v (no unknown members, one JSON value), then
// canonicalises the CometBFT parts of every anchor and checks that the file
// is byte for byte (white space aside) what re-encoding gives.
func decodeStrict(b []byte, v any, anchors func() []*Anchor) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if dec.More() {
		return fmt.Errorf("%w: trailing data", ErrMalformed)
	}
	if _, err := dec.Token(); err == nil {
		return fmt.Errorf("%w: trailing data", ErrMalformed)
	}
	for _, a := range anchors() {
		if err := a.parseCometBFT(); err != nil {
			return err
		}
	}
	re, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var comp bytes.Buffer
	if err := json.Compact(&comp, b); err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if !bytes.Equal(re, comp.Bytes()) {
		return fmt.Errorf("R1 non-canonical: re-encoding differs at byte %d", firstDiff(re, comp.Bytes()))
	}
	return nil
}

func firstDiff(a, b []byte) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

func (a *Anchor) parseCometBFT() error {
	a.lbs = nil
	if a.Headers == nil {
		return fmt.Errorf("%w: anchor without headers", ErrMalformed)
	}
	for i, raw := range a.Headers {
		lb := new(types.LightBlock)
		if err := tmjson.Unmarshal(raw, lb); err != nil {
			return fmt.Errorf("%w: headers[%d]: %v", ErrMalformed, i, err)
		}
		if lb.SignedHeader == nil || lb.Header == nil || lb.Commit == nil || lb.ValidatorSet == nil {
			return fmt.Errorf("%w: headers[%d] incomplete", ErrMalformed, i)
		}
		re, err := tmjson.Marshal(lb)
		if err != nil {
			return err
		}
		a.Headers[i] = re
		a.lbs = append(a.lbs, lb)
	}
	a.sh = nil
	if len(a.StateHeader) > 0 {
		h := new(types.Header)
		if err := tmjson.Unmarshal(a.StateHeader, h); err != nil {
			return fmt.Errorf("%w: state_header: %v", ErrMalformed, err)
		}
		re, err := tmjson.Marshal(h)
		if err != nil {
			return err
		}
		a.StateHeader = re
		a.sh = h
	}
	return nil
}

func hex32(s, what string) ([]byte, error) {
	if len(s) != 64 || strings.ToLower(s) != s {
		return nil, fmt.Errorf("%w: %s is not 64 lower-case hex digits", ErrMalformed, what)
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrMalformed, what, err)
	}
	return b, nil
}

func b64(s, what string) ([]byte, error) {
	b, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil || base64.StdEncoding.EncodeToString(b) != s {
		return nil, fmt.Errorf("%w: %s is not canonical base64", ErrMalformed, what)
	}
	return b, nil
}

func hexList(l []string, what string) ([][]byte, error) {
	out := make([][]byte, len(l))
	for i, s := range l {
		b, err := hex32(s, fmt.Sprintf("%s[%d]", what, i))
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	return out, nil
}

func checkHead(t *Trust, version uint64, chainID string) error {
	if version != 1 {
		return fmt.Errorf("R1 version %d", version)
	}
	if chainID != t.ChainID {
		return fmt.Errorf("R1 chain_id %q is not the trusted chain's %q", chainID, t.ChainID)
	}
	return nil
}

// ---------- anchor: R1 (suite), R2..R8 ----------

var (
	trustingPeriod = 100 * 365 * 24 * time.Hour
	maxClockDrift  = 10 * time.Second
)

func verifyAnchor(t *Trust, a *Anchor) (Result, error) {
	var res Result
	if a.HashSuite != "sha256" && a.HashSuite != "sm3" {
		return res, fmt.Errorf("%w: hash_suite %q", ErrMalformed, a.HashSuite)
	}
	if a.HashSuite != t.Suite.Name {
		return res, fmt.Errorf("R1 suite %s is not the trusted chain's %s", a.HashSuite, t.Suite.Name)
	}
	appHash, err := hex32(a.AppHash, "anchor.app_hash")
	if err != nil {
		return res, err
	}
	sr, err := hex32(a.StateRoot, "anchor.state_root")
	if err != nil {
		return res, err
	}
	lr, err := hex32(a.LogRoot, "anchor.log_root")
	if err != nil {
		return res, err
	}
	// R2
	var sz [8]byte
	binary.BigEndian.PutUint64(sz[:], a.LogSize)
	if !bytes.Equal(t.Suite.H([]byte("govchain/apphash/v1"), sr, lr, sz[:]), appHash) {
		return res, errors.New("R2 app hash does not recompute")
	}
	// R3
	if len(a.lbs) == 0 {
		return res, errors.New("R3 no light blocks")
	}
	if a.Height >= 1<<62 {
		return res, errors.New("R3 height out of range")
	}
	for i, lb := range a.lbs {
		if i > 0 && lb.Height <= a.lbs[i-1].Height {
			return res, errors.New("R3 light blocks not in increasing height order")
		}
		if err := lb.ValidateBasic(t.ChainID); err != nil {
			return res, fmt.Errorf("R3 headers[%d]: %v", i, err)
		}
	}
	last := a.lbs[len(a.lbs)-1]
	if last.Height != int64(a.Height)+1 {
		return res, fmt.Errorf("R3 last header at %d, not height+1 = %d", last.Height, a.Height+1)
	}
	if !bytes.Equal(last.Header.AppHash, appHash) {
		return res, errors.New("R3 last header's app_hash differs")
	}
	// R4
	lbh := last.Header.LastBlockID.Hash
	if (len(lbh) != 0) != (a.sh != nil) {
		return res, errors.New("R4 state_header present/absent mismatch")
	}
	if a.sh != nil {
		if !bytes.Equal(a.sh.Hash(), lbh) {
			return res, errors.New("R4 state_header hash is not last_block_id.hash")
		}
		if a.sh.Height != int64(a.Height) {
			return res, errors.New("R4 state_header height is not H")
		}
		if a.sh.ChainID != t.ChainID {
			return res, errors.New("R4 state_header chain_id")
		}
	}
	// R7: every signature of every commit
	for i, lb := range a.lbs {
		if err := lb.ValidatorSet.VerifyCommit(t.ChainID, lb.Commit.BlockID, lb.Height, lb.Commit); err != nil {
			return res, fmt.Errorf("R7 headers[%d]: %v", i, err)
		}
	}
	// R5 + R6
	var trusted *types.LightBlock
	rest := a.lbs
	if t.Trusted != nil {
		tb := t.Trusted
		if last.Height < tb.Height {
			return res, errors.New("R5 file's last header is below the trusted height")
		}
		trusted = tb
		var rem []*types.LightBlock
		for _, lb := range a.lbs {
			switch {
			case lb.Height < tb.Height:
			case lb.Height == tb.Height:
				if !bytes.Equal(lb.Header.Hash(), tb.Header.Hash()) {
					return res, errors.New("R5 block at the trusted height differs")
				}
			default:
				rem = append(rem, lb)
			}
		}
		rest = rem
	} else {
		first := a.lbs[0]
		if first.Height != t.InitialHeight {
			return res, fmt.Errorf("R5 first light block at %d, not the initial height %d", first.Height, t.InitialHeight)
		}
		if !bytes.Equal(first.Header.ValidatorsHash, t.GenesisVals.Hash()) {
			return res, errors.New("R5 first validator set is not the genesis set")
		}
		trusted = first
		rest = a.lbs[1:]
	}
	for _, lb := range rest {
		now := lb.Header.Time.Add(60 * time.Second)
		if err := light.Verify(trusted.SignedHeader, trusted.ValidatorSet, lb.SignedHeader, lb.ValidatorSet,
			trustingPeriod, now, maxClockDrift, light.DefaultTrustLevel); err != nil {
			return res, fmt.Errorf("R6 height %d: %v", lb.Height, err)
		}
		trusted = lb
	}
	// R8
	res.Validators = last.ValidatorSet.Size()
	res.TotalPower = last.ValidatorSet.TotalVotingPower()
	for idx, cs := range last.Commit.Signatures {
		if cs.BlockIDFlag == types.BlockIDFlagCommit {
			_, v := last.ValidatorSet.GetByIndex(int32(idx))
			res.Signers++
			res.Power += v.VotingPower
		}
	}
	return res, nil
}

// ---------- CBOR (canonical, RFC 8949 4.2.1) ----------

func cborHead(buf *bytes.Buffer, major byte, n uint64) {
	m := major << 5
	switch {
	case n < 24:
		buf.WriteByte(m | byte(n))
	case n <= 0xff:
		buf.WriteByte(m | 24)
		buf.WriteByte(byte(n))
	case n <= 0xffff:
		buf.WriteByte(m | 25)
		buf.Write(binary.BigEndian.AppendUint16(nil, uint16(n)))
	case n <= 0xffffffff:
		buf.WriteByte(m | 26)
		buf.Write(binary.BigEndian.AppendUint32(nil, uint32(n)))
	default:
		buf.WriteByte(m | 27)
		buf.Write(binary.BigEndian.AppendUint64(nil, n))
	}
}

// cborEncode encodes uint64, int64, string, []byte, bool, nil, []any,
// map[uint64]any canonically.
func cborEncode(buf *bytes.Buffer, v any) error {
	switch x := v.(type) {
	case nil:
		buf.WriteByte(0xf6)
	case bool:
		if x {
			buf.WriteByte(0xf5)
		} else {
			buf.WriteByte(0xf4)
		}
	case uint64:
		cborHead(buf, 0, x)
	case int64:
		if x >= 0 {
			cborHead(buf, 0, uint64(x))
		} else {
			cborHead(buf, 1, uint64(-(x + 1)))
		}
	case []byte:
		cborHead(buf, 2, uint64(len(x)))
		buf.Write(x)
	case string:
		cborHead(buf, 3, uint64(len(x)))
		buf.WriteString(x)
	case []any:
		cborHead(buf, 4, uint64(len(x)))
		for _, e := range x {
			if err := cborEncode(buf, e); err != nil {
				return err
			}
		}
	case map[uint64]any:
		keys := make([]uint64, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
		cborHead(buf, 5, uint64(len(x)))
		for _, k := range keys {
			cborHead(buf, 0, k)
			if err := cborEncode(buf, x[k]); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("cbor: unsupported %T", v)
	}
	return nil
}

func eventsCBOR(evs []Event) []byte {
	arr := []any{}
	for _, e := range evs {
		m := map[uint64]any{1: e.Type}
		if len(e.Attributes) > 0 {
			as := []any{}
			for _, a := range e.Attributes {
				as = append(as, map[uint64]any{1: a.Key, 2: a.Value})
			}
			m[2] = as
		}
		arr = append(arr, m)
	}
	var b bytes.Buffer
	_ = cborEncode(&b, arr)
	return b.Bytes()
}

func entryCBOR(txHash []byte, height, code uint64, eventsHash []byte) []byte {
	m := map[uint64]any{1: txHash, 2: height, 4: eventsHash}
	if code != 0 {
		m[3] = code
	}
	var b bytes.Buffer
	_ = cborEncode(&b, m)
	return b.Bytes()
}

// ---------- entries, log proofs ----------

func entryLeaf(s Suite, e Entry) ([]byte, error) {
	th, err := hex32(e.TxHash, "entry.tx_hash")
	if err != nil {
		return nil, err
	}
	eh, err := hex32(e.EventsHash, "entry.events_hash")
	if err != nil {
		return nil, err
	}
	return entryCBOR(th, e.Height, e.Code, eh), nil
}

func verifyInclusion(s Suite, index, size uint64, leaf []byte, pr []string, rootHex string) error {
	p, err := hexList(pr, "inclusion_proof")
	if err != nil {
		return err
	}
	root, _ := hex32(rootHex, "log_root")
	lh := logHasher{s}
	if index >= size {
		return errors.New("inclusion: index >= log_size")
	}
	if err := proof.VerifyInclusion(lh, index, size, lh.HashLeaf(leaf), p, root); err != nil {
		return fmt.Errorf("inclusion: %v", err)
	}
	return nil
}

// ---------- Receipt (R9) ----------

func VerifyReceipt(t *Trust, b []byte) (Result, error) {
	var r Receipt
	if err := decodeStrict(b, &r, func() []*Anchor { return []*Anchor{&r.Anchor} }); err != nil {
		return Result{}, err
	}
	if err := checkHead(t, r.Version, r.ChainID); err != nil {
		return Result{}, err
	}
	if r.Events == nil {
		return Result{}, fmt.Errorf("%w: events is null", ErrMalformed)
	}
	if r.InclusionProof == nil {
		return Result{}, fmt.Errorf("%w: inclusion_proof is null", ErrMalformed)
	}
	tx, err := b64(r.Tx, "tx")
	if err != nil {
		return Result{}, err
	}
	leaf, err := entryLeaf(t.Suite, r.Entry)
	if err != nil {
		return Result{}, err
	}
	th, _ := hex32(r.Entry.TxHash, "")
	if !bytes.Equal(t.Suite.H(tx), th) {
		return Result{}, errors.New("R9 H(tx) != entry.tx_hash")
	}
	eh, _ := hex32(r.Entry.EventsHash, "")
	if !bytes.Equal(t.Suite.H(eventsCBOR(r.Events)), eh) {
		return Result{}, errors.New("R9 events hash")
	}
	if r.Entry.Height != r.Anchor.Height {
		return Result{}, errors.New("R9 entry.height != anchor.height")
	}
	if _, err := hex32(r.Anchor.LogRoot, "anchor.log_root"); err != nil {
		return Result{}, err
	}
	if err := verifyInclusion(t.Suite, r.LogIndex, r.Anchor.LogSize, leaf, r.InclusionProof, r.Anchor.LogRoot); err != nil {
		return Result{}, fmt.Errorf("R9 %v", err)
	}
	return verifyAnchor(t, &r.Anchor)
}

// ---------- state proofs (R10, R11) ----------

func bit(kh []byte, i int) int { return int(kh[i/8]>>(7-uint(i%8))) & 1 }

// VerifySMT checks a sparse Merkle proof (membership when value != nil).
func VerifySMT(s Suite, root []byte, key string, value []byte, p SMTProof) error {
	d := len(p.Siblings)
	if d > 256 {
		return errors.New("R11 more than 256 siblings")
	}
	sib, err := hexList(p.Siblings, "proof.siblings")
	if err != nil {
		return err
	}
	kh := s.H([]byte(key))
	var h []byte
	if value != nil {
		if p.Leaf == nil {
			return errors.New("R11 membership without leaf")
		}
		lk, err := hex32(p.Leaf.KeyHash, "leaf.key_hash")
		if err != nil {
			return err
		}
		lv, err := hex32(p.Leaf.ValueHash, "leaf.value_hash")
		if err != nil {
			return err
		}
		if !bytes.Equal(lk, kh) || !bytes.Equal(lv, s.H(value)) {
			return errors.New("R11 leaf is not the key's value")
		}
		h = s.H([]byte{0}, kh, lv)
	} else if p.Leaf == nil {
		h = make([]byte, 32)
	} else {
		lk, err := hex32(p.Leaf.KeyHash, "leaf.key_hash")
		if err != nil {
			return err
		}
		lv, err := hex32(p.Leaf.ValueHash, "leaf.value_hash")
		if err != nil {
			return err
		}
		if bytes.Equal(lk, kh) {
			return errors.New("R11 absence: leaf has the key")
		}
		for i := 0; i < d; i++ {
			if bit(lk, i) != bit(kh, i) {
				return errors.New("R11 absence: leaf not on the key's path")
			}
		}
		h = s.H([]byte{0}, lk, lv)
	}
	for i := d - 1; i >= 0; i-- {
		if bit(kh, i) == 0 {
			h = s.H([]byte{1}, h, sib[i])
		} else {
			h = s.H([]byte{1}, sib[i], h)
		}
	}
	if !bytes.Equal(h, root) {
		return errors.New("R11 root mismatch")
	}
	return nil
}

func verifyStateProof(t *Trust, sp *StateProof) (Result, []byte, error) {
	if err := checkHead(t, sp.Version, sp.ChainID); err != nil {
		return Result{}, nil, err
	}
	a := &sp.Anchor
	for _, x := range []string{sp.StateRoot, sp.LogRoot, sp.AppHash} {
		if _, err := hex32(x, "root"); err != nil {
			return Result{}, nil, err
		}
	}
	if sp.Height != a.Height || sp.StateRoot != a.StateRoot || sp.LogRoot != a.LogRoot || sp.LogSize != a.LogSize || sp.AppHash != a.AppHash {
		return Result{}, nil, errors.New("R10 repeated fields differ from the anchor's")
	}
	if sp.Found != (sp.Value != nil) {
		return Result{}, nil, errors.New("R10 found does not match value")
	}
	if sp.Proof.Siblings == nil {
		return Result{}, nil, fmt.Errorf("%w: siblings null", ErrMalformed)
	}
	var value []byte
	if sp.Value != nil {
		v, err := b64(*sp.Value, "value")
		if err != nil {
			return Result{}, nil, err
		}
		value = v
	}
	root, err := hex32(a.StateRoot, "anchor.state_root")
	if err != nil {
		return Result{}, nil, err
	}
	if err := VerifySMT(t.Suite, root, sp.Key, value, sp.Proof); err != nil {
		return Result{}, nil, err
	}
	res, err := verifyAnchor(t, a)
	return res, value, err
}

func VerifyState(t *Trust, b []byte) (Result, error) {
	var sp StateProof
	if err := decodeStrict(b, &sp, func() []*Anchor { return []*Anchor{&sp.Anchor} }); err != nil {
		return Result{}, err
	}
	res, _, err := verifyStateProof(t, &sp)
	return res, err
}

// ---------- module records (R12, R13) ----------

func VerifyRecord(t *Trust, b []byte) (Result, error) {
	var pr ProvenRecord
	if err := decodeStrict(b, &pr, func() []*Anchor { return []*Anchor{&pr.Proof.Anchor} }); err != nil {
		return Result{}, err
	}
	res, value, err := verifyStateProof(t, &pr.Proof)
	if err != nil {
		return res, err
	}
	if value == nil {
		return res, errors.New("R12 key not present")
	}
	var bt time.Time // zero time at height 0 (docs: "the zero time")
	if pr.Proof.Anchor.sh != nil {
		bt = pr.Proof.Anchor.sh.Time
	}
	want, err := DecodeRecord(pr.Proof.Key, value, bt)
	if err != nil {
		return res, fmt.Errorf("R13 %v", err)
	}
	var comp bytes.Buffer
	_ = json.Compact(&comp, pr.Record)
	if !bytes.Equal(want, comp.Bytes()) {
		return res, fmt.Errorf("R13 record differs:\n have %s\n want %s", comp.Bytes(), want)
	}
	return res, nil
}

// ---------- log proofs (R14), consistency (R15) ----------

func VerifyLog(t *Trust, b []byte) (Result, error) {
	var lp LogProof
	if err := decodeStrict(b, &lp, func() []*Anchor { return []*Anchor{&lp.Anchor} }); err != nil {
		return Result{}, err
	}
	if err := checkHead(t, lp.Version, lp.ChainID); err != nil {
		return Result{}, err
	}
	if lp.InclusionProof == nil {
		return Result{}, fmt.Errorf("%w: inclusion_proof null", ErrMalformed)
	}
	leaf, err := entryLeaf(t.Suite, lp.Entry)
	if err != nil {
		return Result{}, err
	}
	if lp.Entry.Height > lp.Anchor.Height {
		return Result{}, errors.New("R14 entry.height > anchor.height")
	}
	if _, err := hex32(lp.Anchor.LogRoot, "anchor.log_root"); err != nil {
		return Result{}, err
	}
	if err := verifyInclusion(t.Suite, lp.Index, lp.Anchor.LogSize, leaf, lp.InclusionProof, lp.Anchor.LogRoot); err != nil {
		return Result{}, fmt.Errorf("R14 %v", err)
	}
	return verifyAnchor(t, &lp.Anchor)
}

func VerifyConsistency(t *Trust, b []byte) (Result, error) {
	var cp ConsistencyProof
	if err := decodeStrict(b, &cp, func() []*Anchor { return []*Anchor{&cp.FromAnchor, &cp.ToAnchor} }); err != nil {
		return Result{}, err
	}
	if err := checkHead(t, cp.Version, cp.ChainID); err != nil {
		return Result{}, err
	}
	if cp.Proof == nil {
		return Result{}, fmt.Errorf("%w: proof null", ErrMalformed)
	}
	fr, err := hex32(cp.FromRoot, "from_root")
	if err != nil {
		return Result{}, err
	}
	tr, err := hex32(cp.ToRoot, "to_root")
	if err != nil {
		return Result{}, err
	}
	p, err := hexList(cp.Proof, "proof")
	if err != nil {
		return Result{}, err
	}
	if cp.From > cp.To {
		return Result{}, errors.New("R15 from > to")
	}
	if cp.FromAnchor.LogSize != cp.From || cp.ToAnchor.LogSize != cp.To {
		return Result{}, errors.New("R15 sizes differ from the anchors'")
	}
	if cp.FromRoot != cp.FromAnchor.LogRoot || cp.ToRoot != cp.ToAnchor.LogRoot {
		return Result{}, errors.New("R15 roots differ from the anchors'")
	}
	if cp.FromAnchor.Height > cp.ToAnchor.Height {
		return Result{}, errors.New("R15 from_anchor above to_anchor")
	}
	if err := proof.VerifyConsistency(logHasher{t.Suite}, cp.From, cp.To, p, fr, tr); err != nil {
		return Result{}, fmt.Errorf("R15 consistency: %v", err)
	}
	if _, err := verifyAnchor(t, &cp.FromAnchor); err != nil {
		return Result{}, fmt.Errorf("from_anchor: %w", err)
	}
	return verifyAnchor(t, &cp.ToAnchor)
}

// Verify dispatches on kind: receipt, state, record, log, consistency.
func Verify(kind string, t *Trust, b []byte) (Result, error) {
	switch kind {
	case "receipt":
		return VerifyReceipt(t, b)
	case "state":
		return VerifyState(t, b)
	case "record":
		return VerifyRecord(t, b)
	case "log":
		return VerifyLog(t, b)
	case "consistency":
		return VerifyConsistency(t, b)
	}
	return Result{}, fmt.Errorf("unknown kind %s", kind)
}

var _ = cbor.Marshal
