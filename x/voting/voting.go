// Package voting runs elections on the ledger: the election commission
// creates an election and its voter roll, trustees run the key ceremony by
// transactions, voters cast encrypted ballots whose proofs are checked
// (package evoting) before they enter state, and the homomorphic aggregate
// of the counted ballots is kept up to date as ballots arrive.
//
// It is a pure state machine over module.Context: no wall clock (the
// window compares with block time), and it must not import api, node,
// net/http or CometBFT's node packages.
package voting

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"sync/atomic"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/evoting"
)

// Module is the voting module. Its only memory outside state is the set
// of ballots whose proofs verified (verified.go), which saves work and
// never changes an outcome.
type Module struct {
	verified  *verifiedSet
	proofRuns atomic.Int64 // ballot verifications actually run (tests read it)
}

// New returns the module.
func New() *Module { return &Module{verified: newVerifiedSet(verifiedMax)} }

var _ module.Module = (*Module)(nil)

func (m *Module) Name() string { return Name }

// Roles are the roles this module defines.
func (m *Module) Roles() []module.Role {
	return []module.Role{
		{Name: RoleCommission, Doc: "creates elections and keeps their voter rolls (election commission)", Grantors: []string{"ec"}},
	}
}

// Routes declares the messages. Trustees and voters are named by the
// election itself, so their messages need no role.
func (m *Module) Routes() []module.Route {
	return []module.Route{
		module.NewRoute(TypeCreateElection, []string{RoleCommission}, "Create an election: contests, trustees and threshold, voting window, re-voting", m.createElection),
		module.NewRoute(TypeAddVoters, []string{RoleCommission}, "Put accounts on an election's voter roll (before voting opens)", m.addVoters),
		module.NewRoute(TypeCommitKey, nil, "Post a trustee's key ceremony commitment with its proofs (a trustee of the election)", m.commitKey),
		module.NewRoute(TypeDecrypt, nil, "Post a trustee's partial decryption of the aggregate with proofs (after close); the k-th makes the result final", m.decrypt),
		module.NewRoute(TypeCastBallot, nil, "Cast an encrypted ballot with its proofs (a voter on the roll, inside the window)", m.castBallot).
			WithPrecheck(m.precheckCast),
		module.NewRoute(TypePostShares, nil, "Post a dealer's encrypted shares for the other trustees (after every commitment, before voting opens)", m.postShares),
		module.NewRoute(TypeComplain, nil, "Complain that a dealer's share does not verify, revealing its secret with a proof; a true complaint fails the ceremony", m.complain),
		module.NewRoute(TypeSpoilBallot, nil, "Publish a challenged (spoiled) ballot with its reveal: checked, chained, never counted (a voter on the roll, inside the window)", m.spoilBallot).
			WithPrecheck(m.precheckSpoil),
	}
}

// InitGenesis has nothing to write.
func (m *Module) InitGenesis(ctx *module.Context, raw []byte) error { return nil }

func electionKey(id string) string           { return "election/" + id }
func voterKey(id, addr string) string        { return "voter/" + id + "/" + addr }
func ballotKey(id string, seq uint64) string { return fmt.Sprintf("ballot/%s/%020d", id, seq) }
func ballotIDKey(id, bid string) string      { return "bid/" + id + "/" + bid }
func codeKey(code []byte) string             { return "code/" + hex.EncodeToString(code) }

// GetElection reads an election.
func GetElection(r module.Reader, id string) (*Election, error) {
	return module.Load[Election](r, electionKey(id), ErrUnknownElection, id)
}

func (m *Module) createElection(ctx *module.Context, msg *MsgCreateElection) error {
	kv := ctx.Store()
	if _, ok := kv.Get([]byte(electionKey(msg.ID))); ok {
		return ErrElectionExists.Wrapf("%s", msg.ID)
	}
	if msg.Start <= ctx.Time.Unix() {
		return ErrBadWindow.Wrapf("start %d is not after block time %d", msg.Start, ctx.Time.Unix())
	}
	e := &Election{ID: msg.ID, Contests: msg.Contests, Trustees: msg.Trustees, Threshold: msg.Threshold,
		Start: msg.Start, End: msg.End, Revote: msg.Revote, Commitments: make([][]byte, len(msg.Trustees)),
		RollRoot: make([]byte, 32)}
	for i := range e.Commitments {
		e.Commitments[i] = []byte{}
	}
	module.SetRecord(kv, electionKey(e.ID), e)
	ctx.Emit("voting.election_created", "election", e.ID)
	return nil
}

func (m *Module) addVoters(ctx *module.Context, msg *MsgAddVoters) error {
	kv := ctx.Store()
	e, err := GetElection(kv, msg.Election)
	if err != nil {
		return err
	}
	if ctx.Time.Unix() >= e.Start {
		return ErrAfterOpening
	}
	root := e.RollRoot
	for _, a := range msg.Voters {
		if _, ok := kv.Get([]byte(voterKey(e.ID, a))); ok {
			return ErrOnRoll.Wrapf("%s", a)
		}
		module.SetRecord(kv, voterKey(e.ID, a), Voter{Address: a})
		root = RollStep(root, a)
	}
	e.RollRoot = root
	e.RollCount += uint64(len(msg.Voters))
	module.SetRecord(kv, electionKey(e.ID), e)
	ctx.Emit("voting.voters_added", "election", e.ID, "count", strconv.FormatUint(e.RollCount, 10), "root", hex.EncodeToString(root))
	return nil
}

// RollStep extends the roll's hash chain by one address.
func RollStep(root []byte, addr string) []byte {
	h := sha256.New()
	h.Write([]byte("govchain/voting/roll/v1"))
	h.Write(root)
	h.Write([]byte(addr))
	return h.Sum(nil)
}

func trusteeIndex(e *Election, addr string) int {
	for i, t := range e.Trustees {
		if t == addr {
			return i + 1
		}
	}
	return 0
}

func (m *Module) commitKey(ctx *module.Context, msg *MsgCommitKey) error {
	kv := ctx.Store()
	e, err := GetElection(kv, msg.Election)
	if err != nil {
		return err
	}
	idx := trusteeIndex(e, ctx.Signer.Address)
	if idx == 0 {
		return ErrNotTrustee
	}
	if ctx.Time.Unix() >= e.Start {
		return ErrCeremonyOpen
	}
	if len(e.Commitments[idx-1]) != 0 {
		return ErrTrusteeActed
	}
	var c evoting.Commitment
	if err := json.Unmarshal(msg.Commitment, &c); err != nil {
		return ErrBadCommitment.Wrapf("decoding: %v", err)
	}
	if c.Index != uint32(idx) {
		return ErrBadCommitment.Wrapf("commitment index %d, signer is trustee %d", c.Index, idx)
	}
	if err := evoting.VerifyCommitment(evoting.CeremonyContext(e.Manifest()), &c, int(e.Threshold)); err != nil {
		return ErrBadCommitment.Wrapf("%v", err)
	}
	if _, err := evoting.DecodePoint(msg.TransportKey); err != nil {
		return module.ErrInvalidField.Wrapf("transport_key: %v", err)
	}
	canon, _ := json.Marshal(&c)
	e.Commitments[idx-1] = canon
	if len(e.TransportKeys) == 0 {
		e.TransportKeys = make([][]byte, len(e.Trustees))
		for i := range e.TransportKeys {
			e.TransportKeys[i] = []byte{}
		}
	}
	e.TransportKeys[idx-1] = append([]byte{}, msg.TransportKey...)
	module.SetRecord(kv, electionKey(e.ID), e)
	ctx.Emit("voting.commitment", "election", e.ID, "trustee", strconv.Itoa(idx))
	return nil
}

func allPosted(list [][]byte, n int) bool {
	if len(list) != n {
		return false
	}
	for _, raw := range list {
		if len(raw) == 0 {
			return false
		}
	}
	return true
}

// postShares records a dealer's encrypted shares; the last dealer's
// completes the ceremony: the joint key is set and the aggregate starts.
func (m *Module) postShares(ctx *module.Context, msg *MsgPostShares) error {
	kv := ctx.Store()
	e, err := GetElection(kv, msg.Election)
	if err != nil {
		return err
	}
	idx := trusteeIndex(e, ctx.Signer.Address)
	if idx == 0 {
		return ErrNotTrustee
	}
	if ctx.Time.Unix() >= e.Start {
		return ErrCeremonyOpen
	}
	n := len(e.Trustees)
	if !allPosted(e.Commitments, n) {
		return ErrOutOfTurn.Wrapf("shares follow every trustee's commitment")
	}
	if len(e.Shares) == 0 {
		e.Shares = make([][]byte, n)
		for i := range e.Shares {
			e.Shares[i] = []byte{}
		}
	}
	if len(e.Shares[idx-1]) != 0 {
		return ErrTrusteeActed
	}
	if len(msg.Shares) != n*64 {
		return ErrBadShares.Wrapf("%d bytes for %d trustees", len(msg.Shares), n)
	}
	for l := 1; l <= n; l++ {
		enc := msg.Shares[(l-1)*64 : l*64]
		if l == idx {
			if !bytes.Equal(enc, make([]byte, 64)) {
				return ErrBadShares.Wrapf("the dealer's own slot must be zero")
			}
			continue
		}
		if _, err := evoting.DecodePoint(enc[:32]); err != nil {
			return ErrBadShares.Wrapf("share for trustee %d: %v", l, err)
		}
	}
	e.Shares[idx-1] = append([]byte{}, msg.Shares...)
	ctx.Emit("voting.shares", "election", e.ID, "trustee", strconv.Itoa(idx))
	if allPosted(e.Shares, n) {
		cs, err := e.commitments()
		if err != nil {
			return err
		}
		e.JointKey = evoting.JointKey(cs).Encode(nil)
		k := 0
		for _, c := range e.Contests {
			k += len(c.Options)
		}
		e.Aggregate = make([][]byte, k)
		for i := range e.Aggregate {
			e.Aggregate[i] = evoting.Zero().Encode()
		}
		ctx.Emit("voting.joint_key", "election", e.ID, "key", hex.EncodeToString(e.JointKey))
	}
	module.SetRecord(kv, electionKey(e.ID), e)
	return nil
}

// complain judges a trustee's complaint against a dealer: upheld, the
// dealer is disqualified and the election takes no ballots.
func (m *Module) complain(ctx *module.Context, msg *MsgComplain) error {
	kv := ctx.Store()
	e, err := GetElection(kv, msg.Election)
	if err != nil {
		return err
	}
	idx := trusteeIndex(e, ctx.Signer.Address)
	if idx == 0 {
		return ErrNotTrustee
	}
	if ctx.Time.Unix() >= e.Start {
		return ErrCeremonyOpen
	}
	n := len(e.Trustees)
	d := int(msg.Dealer)
	if d > n || d == idx {
		return ErrBadComplaint.Wrapf("dealer %d", d)
	}
	if len(e.Shares) != n || len(e.Shares[d-1]) == 0 {
		return ErrOutOfTurn.Wrapf("dealer %d has not posted shares", d)
	}
	for _, q := range e.Disqualified {
		if int(q) == d {
			return ErrTrusteeActed.Wrapf("dealer %d already disqualified", d)
		}
	}
	cs, err := e.commitments()
	if err != nil {
		return err
	}
	T, err := evoting.DecodePoint(e.TransportKeys[idx-1])
	if err != nil {
		return fmt.Errorf("voting: stored transport key: %w", err)
	}
	S, err := evoting.DecodePoint(msg.Secret)
	if err != nil {
		return ErrBadComplaint.Wrapf("secret: %v", err)
	}
	var p evoting.DLEQProof
	if err := json.Unmarshal(msg.Proof, &p); err != nil {
		return ErrBadComplaint.Wrapf("proof: %v", err)
	}
	enc := e.Shares[d-1][(idx-1)*64 : idx*64]
	cctx := evoting.ComplaintContext(e.Manifest(), uint32(d), uint32(idx))
	if err := evoting.JudgeComplaint(cctx, cs[d-1], uint32(idx), T, enc, S, &p); err != nil {
		return ErrBadComplaint.Wrapf("%v", err)
	}
	e.Disqualified = append(e.Disqualified, uint32(d))
	module.SetRecord(kv, electionKey(e.ID), e)
	ctx.Emit("voting.dealer_disqualified", "election", e.ID, "dealer", strconv.Itoa(d), "complainant", strconv.Itoa(idx))
	return nil
}

// admitBallot checks what casting and spoiling share: the ceremony
// complete and not failed, the window by block time, the signer on the
// roll. It returns the election, the voter and the joint key.
func admitBallot(ctx *module.Context, kv module.KV, id string) (*Election, *Voter, *evoting.Point, error) {
	e, err := GetElection(kv, id)
	if err != nil {
		return nil, nil, nil, err
	}
	if len(e.Disqualified) != 0 {
		return nil, nil, nil, ErrCeremonyFailed.Wrapf("dealers %v", e.Disqualified)
	}
	if len(e.JointKey) == 0 {
		return nil, nil, nil, ErrNoJointKey
	}
	now := ctx.Time.Unix()
	if now < e.Start || now >= e.End {
		return nil, nil, nil, ErrNotOpen.Wrapf("block time %d, window [%d, %d)", now, e.Start, e.End)
	}
	v, err := module.Load[Voter](kv, voterKey(e.ID, ctx.Signer.Address), ErrNotOnRoll, ctx.Signer.Address)
	if err != nil {
		return nil, nil, nil, err
	}
	K, err := evoting.DecodePoint(e.JointKey)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("voting: stored joint key: %w", err)
	}
	return e, v, K, nil
}

// decodeBallot decodes a ballot of a message and checks its id is new.
func decodeBallot(kv module.Reader, e *Election, raw []byte) (*evoting.Ballot, error) {
	var b evoting.Ballot
	if err := json.Unmarshal(raw, &b); err != nil {
		return nil, ErrBadBallot.Wrapf("decoding: %v", err)
	}
	if !idOK(b.ID) {
		return nil, ErrBadBallot.Wrapf("ballot id: 1-64 of A-Z a-z 0-9 . -")
	}
	if _, used := kv.Get([]byte(ballotIDKey(e.ID, b.ID))); used {
		return nil, ErrBallotIDUsed.Wrapf("%s", b.ID)
	}
	return &b, nil
}

// verifyCast runs evoting.VerifyCastBallot unless this exact ballot
// verified before under this election's manifest and key (CheckTx's
// precheck remembers it): the result is a pure function of those bytes.
func (m *Module) verifyCast(e *Election, K *evoting.Point, raw []byte, b *evoting.Ballot) error {
	key := verifiedKey("cast", e, raw)
	if m.verified.has(key) {
		return nil
	}
	if len(b.Reveal) != 0 {
		return ErrRevealOnCast
	}
	m.proofRuns.Add(1)
	if err := evoting.VerifyCastBallot(e.Manifest(), K, b); err != nil {
		return ErrBadBallot.Wrapf("%v", err)
	}
	m.verified.add(key)
	return nil
}

func (m *Module) verifySpoiled(e *Election, K *evoting.Point, raw []byte, b *evoting.Ballot) error {
	key := verifiedKey("spoil", e, raw)
	if m.verified.has(key) {
		return nil
	}
	m.proofRuns.Add(1)
	if err := evoting.VerifySpoiledBallot(e.Manifest(), K, b); err != nil {
		return ErrBadReveal.Wrapf("%v", err)
	}
	m.verified.add(key)
	return nil
}

// recordBallot chains b after the election's last ballot (the chain sets
// prev_code and code; the proofs do not cover them) and writes it.
func recordBallot(ctx *module.Context, kv module.KV, e *Election, b *evoting.Ballot, counted bool) (uint64, error) {
	b.PrevCode = nil
	if e.LastCode != nil {
		b.PrevCode = append([]byte{}, e.LastCode...)
	}
	b.Code = evoting.TrackingCode(b.PrevCode, b)
	raw, err := json.Marshal(b)
	if err != nil {
		return 0, fmt.Errorf("voting: encoding ballot: %w", err)
	}
	seq := e.Ballots
	entry := BallotEntry{Seq: seq, Voter: ctx.Signer.Address, Ballot: raw, Code: b.Code, Height: ctx.Height, Counted: counted}
	module.SetRecord(kv, ballotKey(e.ID, seq), entry)
	kv.Set([]byte(ballotIDKey(e.ID, b.ID)), []byte{1})
	module.SetRecord(kv, codeKey(b.Code), CodeRef{Election: e.ID, Seq: seq})
	e.Ballots++
	e.LastCode = b.Code
	return seq, nil
}

func (m *Module) castBallot(ctx *module.Context, msg *MsgCastBallot) error {
	kv := ctx.Store()
	e, v, K, err := admitBallot(ctx, kv, msg.Election)
	if err != nil {
		return err
	}
	if v.Voted && !e.Revote {
		return ErrAlreadyVoted
	}
	b, err := decodeBallot(kv, e, msg.Ballot)
	if err != nil {
		return err
	}
	if len(b.Reveal) != 0 {
		return ErrRevealOnCast
	}
	if err := m.verifyCast(e, K, msg.Ballot, b); err != nil {
		return err
	}
	// Incremental aggregate: add this ballot, remove the one it replaces.
	var old *evoting.Ballot
	if v.Voted {
		prev, err := module.Load[BallotEntry](kv, ballotKey(e.ID, v.Ballot), ErrInternalRef, "")
		if err != nil {
			return err
		}
		old = new(evoting.Ballot)
		if err := json.Unmarshal(prev.Ballot, old); err != nil {
			return fmt.Errorf("voting: stored ballot: %w", err)
		}
		prev.Counted = false
		module.SetRecord(kv, ballotKey(e.ID, prev.Seq), prev)
	}
	i := 0
	for ci := range b.Contests {
		for oi, s := range b.Contests[ci].Selections {
			agg, err := evoting.DecodeCiphertext(e.Aggregate[i])
			if err != nil {
				return fmt.Errorf("voting: stored aggregate: %w", err)
			}
			agg = agg.Add(s.Ciphertext)
			if old != nil {
				agg = agg.Sub(old.Contests[ci].Selections[oi].Ciphertext)
			}
			e.Aggregate[i] = agg.Encode()
			i++
		}
	}
	seq, err := recordBallot(ctx, kv, e, b, true)
	if err != nil {
		return err
	}
	if old == nil {
		e.Counted++
	}
	v.Voted, v.Ballot = true, seq
	module.SetRecord(kv, voterKey(e.ID, v.Address), v)
	module.SetRecord(kv, electionKey(e.ID), e)
	ctx.Emit("voting.ballot_cast", "election", e.ID, "seq", strconv.FormatUint(seq, 10), "tracking_code", hex.EncodeToString(b.Code),
		"replaces", strconv.FormatBool(old != nil))
	return nil
}

// spoilBallot publishes a challenged ballot: a voter on the roll may
// challenge as many ballots as they like; none is counted or uses up
// their vote.
func (m *Module) spoilBallot(ctx *module.Context, msg *MsgSpoilBallot) error {
	kv := ctx.Store()
	e, _, K, err := admitBallot(ctx, kv, msg.Election)
	if err != nil {
		return err
	}
	b, err := decodeBallot(kv, e, msg.Ballot)
	if err != nil {
		return err
	}
	if err := m.verifySpoiled(e, K, msg.Ballot, b); err != nil {
		return err
	}
	seq, err := recordBallot(ctx, kv, e, b, false)
	if err != nil {
		return err
	}
	e.Spoiled++
	module.SetRecord(kv, electionKey(e.ID), e)
	ctx.Emit("voting.ballot_spoiled", "election", e.ID, "seq", strconv.FormatUint(seq, 10), "tracking_code", hex.EncodeToString(b.Code))
	return nil
}

// ErrInternalRef is a stored reference to a record that is absent (corrupt state).
var ErrInternalRef = module.ErrInternal

func (m *Module) decrypt(ctx *module.Context, msg *MsgDecrypt) error {
	kv := ctx.Store()
	e, err := GetElection(kv, msg.Election)
	if err != nil {
		return err
	}
	idx := trusteeIndex(e, ctx.Signer.Address)
	if idx == 0 {
		return ErrNotTrustee
	}
	if ctx.Time.Unix() < e.End {
		return ErrNotClosed
	}
	if len(e.JointKey) == 0 {
		return ErrNoJointKey
	}
	if e.Result != nil {
		return ErrFinal
	}
	if len(e.Decryptions) == 0 {
		e.Decryptions = make([][]byte, len(e.Trustees))
		for i := range e.Decryptions {
			e.Decryptions[i] = []byte{}
		}
	}
	if len(e.Decryptions[idx-1]) != 0 {
		return ErrTrusteeActed
	}
	var ps []evoting.Partial
	if err := json.Unmarshal(msg.Partials, &ps); err != nil {
		return ErrBadDecryption.Wrapf("decoding: %v", err)
	}
	if len(ps) != len(e.Aggregate) {
		return ErrBadDecryption.Wrapf("%d partials for %d options", len(ps), len(e.Aggregate))
	}
	cs, err := e.commitments()
	if err != nil {
		return err
	}
	mh := e.Manifest().Hash()
	vk := evoting.VerificationKey(cs, uint32(idx))
	i := 0
	for _, c := range e.Contests {
		for oi := range c.Options {
			p := ps[i]
			agg, err := evoting.DecodeCiphertext(e.Aggregate[i])
			if err != nil {
				return fmt.Errorf("voting: stored aggregate: %w", err)
			}
			if p.Trustee != uint32(idx) || p.Share == nil {
				return ErrBadDecryption.Wrapf("%s option %d: trustee %d", c.ID, oi, p.Trustee)
			}
			pctx := evoting.Context{Manifest: mh, Label: fmt.Sprintf("decrypt/%s/%d/%d", c.ID, oi, idx)}
			if err := evoting.VerifyDLEQ(pctx, vk, agg.A, p.Share, p.Proof); err != nil {
				return ErrBadDecryption.Wrapf("%s option %d: %v", c.ID, oi, err)
			}
			i++
		}
	}
	canon, _ := json.Marshal(ps)
	e.Decryptions[idx-1] = canon
	ctx.Emit("voting.decryption", "election", e.ID, "trustee", strconv.Itoa(idx))
	// The k-th decryption makes the result final: combine the first k by
	// trustee index.
	var have []uint32
	var parts [][]evoting.Partial
	for l, raw := range e.Decryptions {
		if len(raw) == 0 || len(have) == int(e.Threshold) {
			continue
		}
		var pl []evoting.Partial
		if err := json.Unmarshal(raw, &pl); err != nil {
			return fmt.Errorf("voting: stored decryption: %w", err)
		}
		have, parts = append(have, uint32(l+1)), append(parts, pl)
	}
	if len(have) == int(e.Threshold) {
		dlog := evoting.NewDLog(e.Counted + 1)
		result := make([]uint64, len(e.Aggregate))
		for i := range e.Aggregate {
			agg, _ := evoting.DecodeCiphertext(e.Aggregate[i])
			shares := make([]*evoting.Point, len(have))
			for n := range have {
				shares[n] = parts[n][i].Share
			}
			mask, err := evoting.CombinePartials(int(e.Threshold), have, shares)
			if err != nil {
				return fmt.Errorf("voting: combining: %w", err)
			}
			n, err := dlog.Log(evoting.G().Subtract(agg.B, mask))
			if err != nil {
				return fmt.Errorf("voting: count: %w", err)
			}
			result[i] = n
		}
		e.Result = result
		ctx.Emit("voting.result", "election", e.ID, "result", fmt.Sprint(result))
	}
	module.SetRecord(kv, electionKey(e.ID), e)
	return nil
}

// commitments decodes the stored ceremony commitments.
func (e *Election) commitments() ([]*evoting.Commitment, error) {
	out := make([]*evoting.Commitment, 0, len(e.Commitments))
	for _, raw := range e.Commitments {
		var c evoting.Commitment
		if err := json.Unmarshal(raw, &c); err != nil {
			return nil, fmt.Errorf("voting: stored commitment: %w", err)
		}
		out = append(out, &c)
	}
	return out, nil
}
