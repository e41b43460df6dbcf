package voting_test

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/app/module/moduletest"
	"github.com/govchain/govchain/codec"
	"github.com/govchain/govchain/evoting"
	"github.com/govchain/govchain/x/identity"
	"github.com/govchain/govchain/x/voting"
)

// world: a commission official (ec), a clerk without role (ec), three
// trustees and four voters (cab citizens), one outsider.
type world struct {
	*moduletest.World
	t        *testing.T
	trustees []string
	dealers  []*evoting.Dealer
	byElect  map[string][]*evoting.Dealer
	tkeys    map[string][]*evoting.Scalar // transport secrets by election, trustee index - 1
	K        *evoting.Point
}

var contests = []voting.Contest{{ID: "mayor", Options: []string{"a", "b", "c", "d", "e"}, Limit: 1}}

func newWorld(t *testing.T) *world {
	w := &world{World: moduletest.New(t, identity.New(), voting.New()), t: t}
	for _, d := range []string{"mof", "cab", "ec"} {
		w.Department(d)
	}
	w.Official("commission", "ec", voting.RoleCommission)
	w.Official("clerk", "ec")
	for i := 1; i <= 3; i++ {
		w.trustees = append(w.trustees, w.Citizen(fmt.Sprintf("trustee%d", i), "cab"))
	}
	for i := 1; i <= 4; i++ {
		w.Citizen(fmt.Sprintf("voter%d", i), "cab")
	}
	w.Citizen("outsider", "cab")
	return w
}

func (w *world) create(id string, revote bool) *voting.MsgCreateElection {
	w.t.Helper()
	msg := &voting.MsgCreateElection{ID: id, Contests: contests, Trustees: w.trustees, Threshold: 2,
		Start: w.Time().Unix() + 100, End: w.Time().Unix() + 200, Revote: revote}
	w.ExpectOK(w.t, "commission", voting.TypeCreateElection, msg)
	return msg
}

func manifest(msg *voting.MsgCreateElection) *evoting.Manifest {
	e := voting.Election{ID: msg.ID, Contests: msg.Contests, Trustees: msg.Trustees, Threshold: msg.Threshold}
	return e.Manifest()
}

func (w *world) ceremony(msg *voting.MsgCreateElection) {
	w.t.Helper()
	w.commitAll(msg)
	w.shareAll(msg, 0)
}

// commitAll has every trustee post its commitment and transport key.
func (w *world) commitAll(msg *voting.MsgCreateElection) {
	w.t.Helper()
	ctx := evoting.CeremonyContext(manifest(msg))
	var cs []*evoting.Commitment
	var tk []*evoting.Scalar
	for i := range w.trustees {
		d, c, err := evoting.NewDealer(ctx, uint32(i+1), int(msg.Threshold), rand.Reader)
		if err != nil {
			w.t.Fatal(err)
		}
		raw, _ := json.Marshal(c)
		t, _ := evoting.RandomScalar(nil)
		T := evoting.G().ScalarBaseMult(t).Encode(nil)
		w.ExpectOK(w.t, fmt.Sprintf("trustee%d", i+1), voting.TypeCommitKey, voting.MsgCommitKey{Election: msg.ID, Commitment: raw, TransportKey: T})
		w.dealers, cs, tk = append(w.dealers, d), append(cs, c), append(tk, t)
	}
	w.K = evoting.JointKey(cs)
	if w.byElect == nil {
		w.byElect, w.tkeys = map[string][]*evoting.Dealer{}, map[string][]*evoting.Scalar{}
	}
	w.byElect[msg.ID], w.tkeys[msg.ID], w.dealers = w.dealers, tk, nil
}

// shares is dealer i's (from 1) encrypted shares; a non-zero cheatFor
// gets a wrong share.
func (w *world) shares(id string, i int, cheatFor int) []byte {
	w.t.Helper()
	ds, tk := w.byElect[id], w.tkeys[id]
	out := make([]byte, 0, 64*len(ds))
	for l := 1; l <= len(ds); l++ {
		if l == i {
			out = append(out, make([]byte, 64)...)
			continue
		}
		sh := ds[i-1].Share(uint32(l))
		if l == cheatFor {
			sh = ds[i-1].Share(uint32(l + 7))
		}
		enc, err := evoting.EncryptShare(evoting.G().ScalarBaseMult(tk[l-1]), sh, nil)
		if err != nil {
			w.t.Fatal(err)
		}
		out = append(out, enc...)
	}
	return out
}

// shareAll has every dealer post its shares; dealer 1 cheats recipient
// cheatFor when it is not zero.
func (w *world) shareAll(msg *voting.MsgCreateElection, cheatFor int) {
	w.t.Helper()
	for i := 1; i <= len(w.trustees); i++ {
		c := 0
		if i == 1 {
			c = cheatFor
		}
		w.ExpectOK(w.t, fmt.Sprintf("trustee%d", i), voting.TypePostShares, voting.MsgPostShares{Election: msg.ID, Shares: w.shares(msg.ID, i, c)})
	}
}

// complaint is recipient l's complaint against dealer d.
func (w *world) complaint(id string, d, l int) voting.MsgComplain {
	w.t.Helper()
	e := w.election(id)
	enc := e.Shares[d-1][(l-1)*64 : l*64]
	S, p, err := evoting.ProveComplaint(evoting.ComplaintContext(e.Manifest(), uint32(d), uint32(l)), w.tkeys[id][l-1], enc, nil)
	if err != nil {
		w.t.Fatal(err)
	}
	raw, _ := json.Marshal(p)
	return voting.MsgComplain{Election: id, Dealer: uint32(d), Secret: S.Encode(nil), Proof: raw}
}

// partials is trustee l's partial decryption of election id's aggregate.
func (w *world) partials(id string, l uint32) []byte {
	w.t.Helper()
	e := w.election(id)
	var sh []*evoting.Scalar
	for _, d := range w.byElect[id] {
		sh = append(sh, d.Share(l))
	}
	x := evoting.SecretShare(sh)
	mh := e.Manifest().Hash()
	var ps []evoting.Partial
	i := 0
	for _, c := range e.Contests {
		for oi := range c.Options {
			ct, _ := evoting.DecodeCiphertext(e.Aggregate[i])
			D, p, err := evoting.PartialDecrypt(evoting.Context{Manifest: mh, Label: fmt.Sprintf("decrypt/%s/%d/%d", c.ID, oi, l)}, x, ct.A, rand.Reader)
			if err != nil {
				w.t.Fatal(err)
			}
			ps = append(ps, evoting.Partial{Trustee: l, Share: D, Proof: p})
			i++
		}
	}
	raw, _ := json.Marshal(ps)
	return raw
}

func (w *world) ballot(msg *voting.MsgCreateElection, id string, choice int) []byte {
	w.t.Helper()
	ch := make([]uint64, 5)
	ch[choice] = 1
	b, _, err := evoting.EncryptBallot(manifest(msg), w.K, id, [][]uint64{ch}, nil, rand.Reader)
	if err != nil {
		w.t.Fatal(err)
	}
	raw, _ := json.Marshal(b)
	return raw
}

func (w *world) election(id string) *voting.Election {
	e, err := voting.GetElection(w.View(voting.Name), id)
	if err != nil {
		w.t.Fatal(err)
	}
	return e
}

// decrypt decrypts the aggregate with all trustees' secrets (test only).
func (w *world) decrypt(id string) []uint64 {
	w.t.Helper()
	e := w.election(id)
	var idx []uint32
	secrets := map[uint32]*evoting.Scalar{}
	for l := 1; l <= len(w.byElect[id]); l++ {
		var sh []*evoting.Scalar
		for _, d := range w.byElect[id] {
			sh = append(sh, d.Share(uint32(l)))
		}
		secrets[uint32(l)] = evoting.SecretShare(sh)
		idx = append(idx, uint32(l))
	}
	dlog := evoting.NewDLog(e.Counted + 1)
	var out []uint64
	for _, raw := range e.Aggregate {
		ct, err := evoting.DecodeCiphertext(raw)
		if err != nil {
			w.t.Fatal(err)
		}
		// Two trustees' shares combined with Lagrange coefficients give x.
		x := evoting.ScalarFromUint64(0)
		for _, l := range idx[:2] {
			x = x.Add(x, new(evoting.Scalar).Multiply(evoting.Lagrange(idx[:2], l), secrets[l]))
		}
		n, err := dlog.Log(ct.DecryptToPoint(x))
		if err != nil {
			w.t.Fatal(err)
		}
		out = append(out, n)
	}
	return out
}

func TestElection(t *testing.T) {
	w := newWorld(t)
	msg := w.create("E1", false)
	w.ExpectOK(t, "commission", voting.TypeAddVoters, voting.MsgAddVoters{Election: "E1", Voters: []string{w.Addr("voter1"), w.Addr("voter2"), w.Addr("voter3")}})
	w.ExpectCode(t, voting.ErrOnRoll.Code, "commission", voting.TypeAddVoters, voting.MsgAddVoters{Election: "E1", Voters: []string{w.Addr("voter1")}})
	w.ExpectCode(t, voting.ErrUnknownElection.Code, "commission", voting.TypeAddVoters, voting.MsgAddVoters{Election: "E9", Voters: []string{w.Addr("voter1")}})
	w.ExpectCode(t, voting.ErrElectionExists.Code, "commission", voting.TypeCreateElection, msg)
	// Cast before the ceremony: no key.
	w.ExpectCode(t, voting.ErrNoJointKey.Code, "voter1", voting.TypeCastBallot, voting.MsgCastBallot{Election: "E1", Ballot: []byte("{}")})
	// Ceremony: a non-trustee, a bad commitment, then all three; twice refused.
	w.ExpectCode(t, voting.ErrNotTrustee.Code, "outsider", voting.TypeCommitKey, voting.MsgCommitKey{Election: "E1", Commitment: []byte("{}"), TransportKey: evoting.G().Encode(nil)})
	_, bad, _ := evoting.NewDealer(evoting.Context{Label: "other"}, 1, 2, rand.Reader)
	rawBad, _ := json.Marshal(bad)
	w.ExpectCode(t, voting.ErrBadCommitment.Code, "trustee1", voting.TypeCommitKey, voting.MsgCommitKey{Election: "E1", Commitment: rawBad, TransportKey: evoting.G().Encode(nil)})
	w.ceremony(msg)
	w.ExpectCode(t, voting.ErrTrusteeActed.Code, "trustee1", voting.TypeCommitKey, voting.MsgCommitKey{Election: "E1", Commitment: rawBad, TransportKey: evoting.G().Encode(nil)})
	e := w.election("E1")
	if e.RollCount != 3 || len(e.JointKey) != 32 {
		t.Fatalf("%+v", e)
	}
	root := make([]byte, 32)
	for _, v := range []string{"voter1", "voter2", "voter3"} {
		root = voting.RollStep(root, w.Addr(v))
	}
	if string(root) != string(e.RollRoot) {
		t.Fatal("roll root")
	}
	// Before the window.
	w.ExpectCode(t, voting.ErrNotOpen.Code, "voter1", voting.TypeCastBallot, voting.MsgCastBallot{Election: "E1", Ballot: w.ballot(msg, "b1", 0)})
	w.SetTime(w.Time().Add(100e9))
	// The roll is closed now.
	w.ExpectCode(t, voting.ErrAfterOpening.Code, "commission", voting.TypeAddVoters, voting.MsgAddVoters{Election: "E1", Voters: []string{w.Addr("voter4")}})
	w.ExpectCode(t, voting.ErrCeremonyOpen.Code, "trustee1", voting.TypeCommitKey, voting.MsgCommitKey{Election: "E1", Commitment: rawBad, TransportKey: evoting.G().Encode(nil)})
	// Not on the roll.
	w.ExpectCode(t, voting.ErrNotOnRoll.Code, "voter4", voting.TypeCastBallot, voting.MsgCastBallot{Election: "E1", Ballot: w.ballot(msg, "b4", 0)})
	// A ballot for another election (proofs bound to another manifest).
	other := *msg
	other.ID = "E2"
	w.ExpectCode(t, voting.ErrBadBallot.Code, "voter1", voting.TypeCastBallot, voting.MsgCastBallot{Election: "E1", Ballot: w.ballot(&other, "b1", 0)})
	// A tampered ciphertext.
	var tb evoting.Ballot
	json.Unmarshal(w.ballot(msg, "b1", 0), &tb)
	tb.Contests[0].Selections[0].Ciphertext, tb.Contests[0].Selections[1].Ciphertext = tb.Contests[0].Selections[1].Ciphertext, tb.Contests[0].Selections[0].Ciphertext
	rawT, _ := json.Marshal(&tb)
	w.ExpectCode(t, voting.ErrBadBallot.Code, "voter1", voting.TypeCastBallot, voting.MsgCastBallot{Election: "E1", Ballot: rawT})
	// A cast ballot with a reveal.
	ch := []uint64{1, 0, 0, 0, 0}
	rb, op, _ := evoting.EncryptBallot(manifest(msg), w.K, "b1", [][]uint64{ch}, nil, rand.Reader)
	rb.Reveal = op
	rawR, _ := json.Marshal(rb)
	w.ExpectCode(t, voting.ErrRevealOnCast.Code, "voter1", voting.TypeCastBallot, voting.MsgCastBallot{Election: "E1", Ballot: rawR})
	w.ExpectCode(t, voting.ErrBadBallot.Code, "voter1", voting.TypeCastBallot, voting.MsgCastBallot{Election: "E1", Ballot: []byte("not json")})

	r := w.ExpectOK(t, "voter1", voting.TypeCastBallot, voting.MsgCastBallot{Election: "E1", Ballot: w.ballot(msg, "b1", 0)})
	if ev, ok := r.Event("voting.ballot_cast"); !ok || len(ev.Attrs) < 3 || len(ev.Attrs[2].Value) != 64 {
		t.Fatalf("no tracking code: %+v", r.Events)
	}
	w.ExpectCode(t, voting.ErrAlreadyVoted.Code, "voter1", voting.TypeCastBallot, voting.MsgCastBallot{Election: "E1", Ballot: w.ballot(msg, "b1x", 1)})
	w.ExpectCode(t, voting.ErrBallotIDUsed.Code, "voter2", voting.TypeCastBallot, voting.MsgCastBallot{Election: "E1", Ballot: w.ballot(msg, "b1", 1)})
	w.ExpectOK(t, "voter2", voting.TypeCastBallot, voting.MsgCastBallot{Election: "E1", Ballot: w.ballot(msg, "b2", 1)})
	w.ExpectOK(t, "voter3", voting.TypeCastBallot, voting.MsgCastBallot{Election: "E1", Ballot: w.ballot(msg, "b3", 1)})
	if got := w.decrypt("E1"); fmt.Sprint(got) != "[1 2 0 0 0]" {
		t.Fatalf("tally %v", got)
	}
	// After the window.
	w.SetTime(w.Time().Add(100e9))
	w.ExpectCode(t, voting.ErrNotOpen.Code, "voter2", voting.TypeCastBallot, voting.MsgCastBallot{Election: "E1", Ballot: w.ballot(msg, "b9", 1)})
	// The tally: trustees 3 and 1 decrypt; the second makes it final.
	p1, p2, p3 := w.partials("E1", 1), w.partials("E1", 2), w.partials("E1", 3)
	w.ExpectCode(t, voting.ErrNotTrustee.Code, "outsider", voting.TypeDecrypt, voting.MsgDecrypt{Election: "E1", Partials: p1})
	w.ExpectCode(t, voting.ErrBadDecryption.Code, "trustee1", voting.TypeDecrypt, voting.MsgDecrypt{Election: "E1", Partials: p2})
	var badP []evoting.Partial
	json.Unmarshal(p1, &badP)
	badP[0].Share = badP[1].Share
	rawBadP, _ := json.Marshal(badP)
	w.ExpectCode(t, voting.ErrBadDecryption.Code, "trustee1", voting.TypeDecrypt, voting.MsgDecrypt{Election: "E1", Partials: rawBadP})
	w.ExpectCode(t, voting.ErrBadDecryption.Code, "trustee1", voting.TypeDecrypt, voting.MsgDecrypt{Election: "E1", Partials: []byte("[]")})
	w.ExpectOK(t, "trustee3", voting.TypeDecrypt, voting.MsgDecrypt{Election: "E1", Partials: p3})
	w.ExpectCode(t, voting.ErrTrusteeActed.Code, "trustee3", voting.TypeDecrypt, voting.MsgDecrypt{Election: "E1", Partials: p3})
	if w.election("E1").Result != nil {
		t.Fatal("final with one of two")
	}
	w.ExpectOK(t, "trustee1", voting.TypeDecrypt, voting.MsgDecrypt{Election: "E1", Partials: p1})
	if got := w.election("E1").Result; fmt.Sprint(got) != "[1 2 0 0 0]" {
		t.Fatalf("result %v", got)
	}
	w.ExpectCode(t, voting.ErrFinal.Code, "trustee2", voting.TypeDecrypt, voting.MsgDecrypt{Election: "E1", Partials: p2})
}

// Decryption before close is refused.
func TestDecryptBeforeClose(t *testing.T) {
	w := newWorld(t)
	msg := w.create("E1", false)
	w.ceremony(msg)
	w.SetTime(w.Time().Add(150e9))
	w.ExpectCode(t, voting.ErrNotClosed.Code, "trustee1", voting.TypeDecrypt, voting.MsgDecrypt{Election: "E1", Partials: w.partials("E1", 1)})
}

// With re-voting on, a later ballot replaces the earlier one in the
// aggregate; both stay in the record.
func TestRevoteReplaces(t *testing.T) {
	w := newWorld(t)
	msg := w.create("E1", true)
	w.ExpectOK(t, "commission", voting.TypeAddVoters, voting.MsgAddVoters{Election: "E1", Voters: []string{w.Addr("voter1"), w.Addr("voter2")}})
	w.ceremony(msg)
	w.SetTime(w.Time().Add(100e9))
	w.ExpectOK(t, "voter1", voting.TypeCastBallot, voting.MsgCastBallot{Election: "E1", Ballot: w.ballot(msg, "b1", 0)})
	w.ExpectOK(t, "voter2", voting.TypeCastBallot, voting.MsgCastBallot{Election: "E1", Ballot: w.ballot(msg, "b2", 4)})
	w.ExpectOK(t, "voter1", voting.TypeCastBallot, voting.MsgCastBallot{Election: "E1", Ballot: w.ballot(msg, "b3", 3)})
	e := w.election("E1")
	if e.Ballots != 3 || e.Counted != 2 {
		t.Fatalf("%+v", e)
	}
	if got := w.decrypt("E1"); fmt.Sprint(got) != "[0 0 0 1 1]" {
		t.Fatalf("tally %v", got)
	}
}

// Property: the aggregate decrypts to the plaintext sum of the counted
// ballots, for random choices with re-voting.
func TestTallyIsSumOfCounted(t *testing.T) {
	w := newWorld(t)
	msg := w.create("E1", true)
	var voters []string
	for i := 1; i <= 4; i++ {
		voters = append(voters, w.Addr(fmt.Sprintf("voter%d", i)))
	}
	w.ExpectOK(t, "commission", voting.TypeAddVoters, voting.MsgAddVoters{Election: "E1", Voters: voters})
	w.ceremony(msg)
	w.SetTime(w.Time().Add(100e9))
	last := map[int]int{}
	var buf [1]byte
	for n := 0; n < 12; n++ {
		rand.Read(buf[:])
		v, c := int(buf[0])%4, int(buf[0]>>2)%5
		w.ExpectOK(t, fmt.Sprintf("voter%d", v+1), voting.TypeCastBallot, voting.MsgCastBallot{Election: "E1", Ballot: w.ballot(msg, fmt.Sprintf("b%d", n), c)})
		last[v] = c
	}
	want := make([]uint64, 5)
	for _, c := range last {
		want[c]++
	}
	if got := w.decrypt("E1"); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("tally %v, want %v", got, want)
	}
}

func TestRoleTable(t *testing.T) {
	w := newWorld(t)
	// R2 is open for voting with voter1 on its roll; R1 is created by the table.
	r2 := w.create("R2", false)
	w.ExpectOK(t, "commission", voting.TypeAddVoters, voting.MsgAddVoters{Election: "R2", Voters: []string{w.Addr("voter1")}})
	w.ceremony(r2)
	r2Ballot := w.ballot(r2, "b1", 0)
	spoiled := w.spoiled(r2, "s1", 2)
	r3 := &voting.MsgCreateElection{ID: "R3", Contests: contests, Trustees: w.trustees, Threshold: 2,
		Start: w.Time().Unix() + 50, End: w.Time().Unix() + 60}
	w.ExpectOK(t, "commission", voting.TypeCreateElection, r3)
	w.ceremony(r3)
	w.SetTime(w.Time().Add(100e9))
	msg := &voting.MsgCreateElection{ID: "R1", Contests: contests, Trustees: w.trustees, Threshold: 2,
		Start: w.Time().Unix() + 100, End: w.Time().Unix() + 200}
	_, c, _ := evoting.NewDealer(evoting.CeremonyContext(manifest(msg)), 1, 2, rand.Reader)
	rawC, _ := json.Marshal(c)
	// R4: commitments in, trustee1 to post shares, trustee2 to complain
	// about a bad share of trustee3.
	r4 := &voting.MsgCreateElection{ID: "R4", Contests: contests, Trustees: w.trustees, Threshold: 2,
		Start: w.Time().Unix() + 100, End: w.Time().Unix() + 200}
	w.ExpectOK(t, "commission", voting.TypeCreateElection, r4)
	w.commitAll(r4)
	w.ExpectOK(t, "trustee3", voting.TypePostShares, voting.MsgPostShares{Election: "R4", Shares: w.shares("R4", 3, 2)})
	r4Shares := w.shares("R4", 1, 0)
	r4Complaint := w.complaint("R4", 3, 2)
	moduletest.CheckRoleTable(t, w.World, voting.New(), moduletest.RoleTable{
		{Type: voting.TypeCreateElection, Roles: []string{voting.RoleCommission}, Body: msg, Attempts: []moduletest.Attempt{
			{Signer: "clerk", Code: module.ErrUnauthorized.Code}, {Signer: "ec", Code: module.ErrUnauthorized.Code}, {Signer: "commission"}}},
		{Type: voting.TypeAddVoters, Roles: []string{voting.RoleCommission}, Body: voting.MsgAddVoters{Election: "R1", Voters: []string{w.Addr("voter1")}}, Attempts: []moduletest.Attempt{
			{Signer: "clerk", Code: module.ErrUnauthorized.Code}, {Signer: "ec", Code: module.ErrUnauthorized.Code}, {Signer: "commission"}}},
		{Type: voting.TypeCommitKey, Body: voting.MsgCommitKey{Election: "R1", Commitment: rawC, TransportKey: evoting.G().Encode(nil)}, Attempts: []moduletest.Attempt{
			{Signer: "outsider", Code: voting.ErrNotTrustee.Code}, {Signer: "trustee1"}}},
		{Type: voting.TypeDecrypt, Body: voting.MsgDecrypt{Election: "R3", Partials: w.partials("R3", 1)}, Attempts: []moduletest.Attempt{
			{Signer: "outsider", Code: voting.ErrNotTrustee.Code}, {Signer: "trustee1"}}},
		{Type: voting.TypeCastBallot, Body: voting.MsgCastBallot{Election: "R2", Ballot: r2Ballot}, Attempts: []moduletest.Attempt{
			{Signer: "outsider", Code: voting.ErrNotOnRoll.Code}, {Signer: "voter1"}}},
		{Type: voting.TypeSpoilBallot, Body: voting.MsgSpoilBallot{Election: "R2", Ballot: spoiled}, Attempts: []moduletest.Attempt{
			{Signer: "outsider", Code: voting.ErrNotOnRoll.Code}, {Signer: "voter1"}}},
		{Type: voting.TypePostShares, Body: voting.MsgPostShares{Election: "R4", Shares: r4Shares}, Attempts: []moduletest.Attempt{
			{Signer: "outsider", Code: voting.ErrNotTrustee.Code}, {Signer: "trustee1"}}},
		{Type: voting.TypeComplain, Body: r4Complaint, Attempts: []moduletest.Attempt{
			{Signer: "outsider", Code: voting.ErrNotTrustee.Code}, {Signer: "trustee2"}}},
	})
}

func TestGrantTable(t *testing.T) {
	w := moduletest.New(t, identity.New(), voting.New())
	for _, d := range []string{"mof", "nrb", "cab", "ec"} {
		w.Department(d)
	}
	w.Threshold(3)
	moduletest.CheckGrantTable(t, w, voting.New(), moduletest.GrantTable{{Role: voting.RoleCommission, Grantors: []string{"ec"}}})
}

// The chain's record of a whole election with re-voting verifies with
// evoting.VerifyRecord; a tampered count does not.
func TestRecordVerifies(t *testing.T) {
	w := newWorld(t)
	msg := w.create("E1", true)
	w.ExpectOK(t, "commission", voting.TypeAddVoters, voting.MsgAddVoters{Election: "E1", Voters: []string{w.Addr("voter1"), w.Addr("voter2")}})
	w.ceremony(msg)
	w.SetTime(w.Time().Add(100e9))
	w.ExpectOK(t, "voter1", voting.TypeCastBallot, voting.MsgCastBallot{Election: "E1", Ballot: w.ballot(msg, "b1", 0)})
	w.ExpectOK(t, "voter2", voting.TypeCastBallot, voting.MsgCastBallot{Election: "E1", Ballot: w.ballot(msg, "b2", 4)})
	w.ExpectOK(t, "voter1", voting.TypeCastBallot, voting.MsgCastBallot{Election: "E1", Ballot: w.ballot(msg, "b3", 4)})
	w.SetTime(w.Time().Add(100e9))
	w.ExpectOK(t, "trustee2", voting.TypeDecrypt, voting.MsgDecrypt{Election: "E1", Partials: w.partials("E1", 2)})
	w.ExpectOK(t, "trustee3", voting.TypeDecrypt, voting.MsgDecrypt{Election: "E1", Partials: w.partials("E1", 3)})
	e := w.election("E1")
	var ballots []voting.BallotEntry
	for _, k := range w.Keys("voting/ballot/E1/") {
		b := moduletest.Get[voting.BallotEntry](w.World, voting.Name, k[len("voting/"):])
		ballots = append(ballots, *b)
	}
	r, err := voting.Record(e, ballots)
	if err != nil {
		t.Fatal(err)
	}
	if err := evoting.VerifyRecord(r); err != nil {
		t.Fatal(err)
	}
	if r.Tally[0].Options[4].Count != 2 || r.Ballots[0].State != evoting.Replaced {
		t.Fatalf("%+v", r.Tally)
	}
	r.Tally[0].Options[4].Count = 1
	if err := evoting.VerifyRecord(r); err == nil {
		t.Fatal("tampered count verified")
	}
}

// spoiled is a challenged ballot with its reveal.
func (w *world) spoiled(msg *voting.MsgCreateElection, id string, choice int) []byte {
	w.t.Helper()
	ch := make([]uint64, 5)
	ch[choice] = 1
	b, op, err := evoting.EncryptBallot(manifest(msg), w.K, id, [][]uint64{ch}, nil, rand.Reader)
	if err != nil {
		w.t.Fatal(err)
	}
	evoting.Spoil(b, op)
	raw, _ := json.Marshal(b)
	return raw
}

// Challenged ballots are published with their reveal, chained, never
// counted, and do not use up the voter's ballot; a bad reveal is refused.
func TestSpoiledBallot(t *testing.T) {
	w := newWorld(t)
	msg := w.create("E1", false)
	w.ExpectOK(t, "commission", voting.TypeAddVoters, voting.MsgAddVoters{Election: "E1", Voters: []string{w.Addr("voter1"), w.Addr("voter2")}})
	w.ceremony(msg)
	w.ExpectCode(t, voting.ErrNotOpen.Code, "voter1", voting.TypeSpoilBallot, voting.MsgSpoilBallot{Election: "E1", Ballot: w.spoiled(msg, "s0", 1)})
	w.SetTime(w.Time().Add(100e9))
	r := w.ExpectOK(t, "voter1", voting.TypeSpoilBallot, voting.MsgSpoilBallot{Election: "E1", Ballot: w.spoiled(msg, "s1", 1)})
	if _, ok := r.Event("voting.ballot_spoiled"); !ok {
		t.Fatal("no event")
	}
	// A reveal that does not match, a cast ballot sent as spoiled, a
	// voter not on the roll.
	var b evoting.Ballot
	json.Unmarshal(w.spoiled(msg, "s2", 1), &b)
	b.Reveal[0][0].Value, b.Reveal[0][1].Value = 1, 0
	raw, _ := json.Marshal(&b)
	w.ExpectCode(t, voting.ErrBadReveal.Code, "voter1", voting.TypeSpoilBallot, voting.MsgSpoilBallot{Election: "E1", Ballot: raw})
	w.ExpectCode(t, voting.ErrBadReveal.Code, "voter1", voting.TypeSpoilBallot, voting.MsgSpoilBallot{Election: "E1", Ballot: w.ballot(msg, "s3", 1)})
	w.ExpectCode(t, voting.ErrNotOnRoll.Code, "voter3", voting.TypeSpoilBallot, voting.MsgSpoilBallot{Election: "E1", Ballot: w.spoiled(msg, "s4", 1)})
	// The voter still casts, once.
	w.ExpectOK(t, "voter1", voting.TypeCastBallot, voting.MsgCastBallot{Election: "E1", Ballot: w.ballot(msg, "b1", 3)})
	w.ExpectCode(t, voting.ErrAlreadyVoted.Code, "voter1", voting.TypeCastBallot, voting.MsgCastBallot{Election: "E1", Ballot: w.ballot(msg, "b2", 3)})
	e := w.election("E1")
	if e.Ballots != 2 || e.Counted != 1 || e.Spoiled != 1 {
		t.Fatalf("%+v", e)
	}
	if got := w.decrypt("E1"); fmt.Sprint(got) != "[0 0 0 1 0]" {
		t.Fatalf("tally %v", got)
	}
	w.SetTime(w.Time().Add(100e9))
	w.ExpectOK(t, "trustee1", voting.TypeDecrypt, voting.MsgDecrypt{Election: "E1", Partials: w.partials("E1", 1)})
	w.ExpectOK(t, "trustee2", voting.TypeDecrypt, voting.MsgDecrypt{Election: "E1", Partials: w.partials("E1", 2)})
	rec := w.record("E1")
	if rec.Ballots[0].State != evoting.Spoiled || len(rec.Ballots[0].Reveal) != 1 {
		t.Fatalf("spoiled ballot not published with its reveal: %+v", rec.Ballots[0])
	}
	if err := evoting.VerifyRecord(rec); err != nil {
		t.Fatal(err)
	}
	// The tracking code finds the ballot.
	ref := moduletest.Get[voting.CodeRef](w.World, voting.Name, "code/"+fmt.Sprintf("%x", rec.Ballots[1].Code))
	if ref.Election != "E1" || ref.Seq != 1 {
		t.Fatalf("code ref %+v", ref)
	}
}

func (w *world) record(id string) *evoting.Record {
	w.t.Helper()
	var ballots []voting.BallotEntry
	for _, k := range w.Keys("voting/ballot/" + id + "/") {
		b := moduletest.Get[voting.BallotEntry](w.World, voting.Name, k[len("voting/"):])
		ballots = append(ballots, *b)
	}
	r, err := voting.Record(w.election(id), ballots)
	if err != nil {
		w.t.Fatal(err)
	}
	return r
}

// The key ceremony by transactions: commitments, then encrypted shares,
// each once and in turn; the joint key only when every share is in; a
// false complaint refused, a true one fails the ceremony.
func TestCeremonySharesAndComplaints(t *testing.T) {
	w := newWorld(t)
	msg := w.create("E1", false)
	w.ExpectOK(t, "commission", voting.TypeAddVoters, voting.MsgAddVoters{Election: "E1", Voters: []string{w.Addr("voter1")}})
	// Out of turn: shares before every commitment.
	w.ExpectCode(t, voting.ErrOutOfTurn.Code, "trustee1", voting.TypePostShares, voting.MsgPostShares{Election: "E1", Shares: make([]byte, 3*64)})
	w.commitAll(msg)
	if len(w.election("E1").JointKey) != 0 {
		t.Fatal("joint key before the shares")
	}
	good := w.shares("E1", 1, 0)
	w.ExpectCode(t, voting.ErrBadShares.Code, "trustee1", voting.TypePostShares, voting.MsgPostShares{Election: "E1", Shares: good[:128]})
	own := append([]byte{}, good...)
	own[0] = 1
	w.ExpectCode(t, voting.ErrBadShares.Code, "trustee1", voting.TypePostShares, voting.MsgPostShares{Election: "E1", Shares: own})
	w.ExpectOK(t, "trustee1", voting.TypePostShares, voting.MsgPostShares{Election: "E1", Shares: good})
	w.ExpectCode(t, voting.ErrTrusteeActed.Code, "trustee1", voting.TypePostShares, voting.MsgPostShares{Election: "E1", Shares: good})
	// A complaint against a dealer who has not dealt, against oneself, and
	// a false one (the share verifies).
	w.ExpectCode(t, voting.ErrOutOfTurn.Code, "trustee1", voting.TypeComplain, voting.MsgComplain{Election: "E1", Dealer: 2, Secret: make([]byte, 32), Proof: []byte("{}")})
	w.ExpectCode(t, voting.ErrBadComplaint.Code, "trustee1", voting.TypeComplain, voting.MsgComplain{Election: "E1", Dealer: 1, Secret: make([]byte, 32), Proof: []byte("{}")})
	w.ExpectCode(t, voting.ErrBadComplaint.Code, "trustee2", voting.TypeComplain, w.complaint("E1", 1, 2))
	// Trustee 3 complains with trustee 2's proof: the proof binds the recipient.
	c2 := w.complaint("E1", 1, 2)
	w.ExpectCode(t, voting.ErrBadComplaint.Code, "trustee3", voting.TypeComplain, c2)
	w.ExpectOK(t, "trustee2", voting.TypePostShares, voting.MsgPostShares{Election: "E1", Shares: w.shares("E1", 2, 0)})
	w.ExpectOK(t, "trustee3", voting.TypePostShares, voting.MsgPostShares{Election: "E1", Shares: w.shares("E1", 3, 1)}) // bad share for trustee 1
	if len(w.election("E1").JointKey) != 32 {
		t.Fatal("no joint key with every share in")
	}
	w.ExpectOK(t, "trustee1", voting.TypeComplain, w.complaint("E1", 3, 1))
	w.ExpectCode(t, voting.ErrTrusteeActed.Code, "trustee1", voting.TypeComplain, w.complaint("E1", 3, 1))
	if got := w.election("E1").Disqualified; fmt.Sprint(got) != "[3]" {
		t.Fatalf("disqualified %v", got)
	}
	w.SetTime(w.Time().Add(100e9))
	w.ExpectCode(t, voting.ErrCeremonyFailed.Code, "voter1", voting.TypeCastBallot, voting.MsgCastBallot{Election: "E1", Ballot: w.ballot(msg, "b1", 0)})
	w.ExpectCode(t, voting.ErrCeremonyOpen.Code, "trustee2", voting.TypeComplain, w.complaint("E1", 3, 2))
	w.ExpectCode(t, voting.ErrCeremonyOpen.Code, "trustee2", voting.TypePostShares, voting.MsgPostShares{Election: "E1", Shares: good})
}

// The commission cannot change the roll or the manifest once voting has
// opened; a ballot for another contest is refused.
func TestNoChangeAfterOpening(t *testing.T) {
	w := newWorld(t)
	msg := w.create("E1", false)
	w.ExpectOK(t, "commission", voting.TypeAddVoters, voting.MsgAddVoters{Election: "E1", Voters: []string{w.Addr("voter1")}})
	w.ceremony(msg)
	w.SetTime(w.Time().Add(100e9))
	changed := *msg
	changed.Contests = []voting.Contest{{ID: "mayor", Options: []string{"a", "z"}, Limit: 1}}
	w.ExpectCode(t, voting.ErrElectionExists.Code, "commission", voting.TypeCreateElection, &changed)
	w.ExpectCode(t, voting.ErrAfterOpening.Code, "commission", voting.TypeAddVoters, voting.MsgAddVoters{Election: "E1", Voters: []string{w.Addr("voter2")}})
	// Another contest: the same ballot relabelled.
	var b evoting.Ballot
	json.Unmarshal(w.ballot(msg, "b1", 0), &b)
	b.Contests[0].ContestID = "council"
	raw, _ := json.Marshal(&b)
	w.ExpectCode(t, voting.ErrBadBallot.Code, "voter1", voting.TypeCastBallot, voting.MsgCastBallot{Election: "E1", Ballot: raw})
}

// CheckTx's precheck verifies a ballot once: execution finds it verified
// and does not run the proofs again; a bad ballot is refused in CheckTx.
func TestPrecheckVerifiesOnce(t *testing.T) {
	mod := voting.New()
	w := &world{World: moduletest.New(t, identity.New(), mod), t: t}
	for _, d := range []string{"mof", "cab", "ec"} {
		w.Department(d)
	}
	w.Official("commission", "ec", voting.RoleCommission)
	for i := 1; i <= 3; i++ {
		w.trustees = append(w.trustees, w.Citizen(fmt.Sprintf("trustee%d", i), "cab"))
	}
	w.Citizen("voter1", "cab")
	msg := w.create("E1", false)
	w.ExpectOK(t, "commission", voting.TypeAddVoters, voting.MsgAddVoters{Election: "E1", Voters: []string{w.Addr("voter1")}})
	w.ceremony(msg)
	w.SetTime(w.Time().Add(100e9))
	var pre func(module.Reader, []byte) error
	for _, r := range mod.Routes() {
		if r.Type == voting.TypeCastBallot {
			pre = r.Precheck
		}
	}
	if pre == nil {
		t.Fatal("cast_ballot has no precheck")
	}
	var other = *msg
	other.ID = "E2"
	bad, _ := codec.Marshal(voting.MsgCastBallot{Election: "E1", Ballot: w.ballot(&other, "b1", 0)})
	if err := pre(w.View(voting.Name), bad); module.AsError(err).Code != voting.ErrBadBallot.Code {
		t.Fatalf("bad ballot prechecked: %v", err)
	}
	good := voting.MsgCastBallot{Election: "E1", Ballot: w.ballot(msg, "b1", 0)}
	body, _ := codec.Marshal(good)
	if err := pre(w.View(voting.Name), body); err != nil {
		t.Fatal(err)
	}
	runs := voting.ProofRuns(mod)
	w.ExpectOK(t, "voter1", voting.TypeCastBallot, good)
	if voting.ProofRuns(mod) != runs {
		t.Fatal("execution verified a prechecked ballot again")
	}
	// Nothing to decide without an election: left to execution.
	none, _ := codec.Marshal(voting.MsgCastBallot{Election: "E9", Ballot: []byte("{}")})
	if err := pre(w.View(voting.Name), none); err != nil {
		t.Fatal(err)
	}
}

// FuzzBallotMessages: any bytes as a cast or spoiled ballot are refused
// with a code (or accepted), never a panic, and a refusal changes nothing.
func FuzzBallotMessages(f *testing.F) {
	w := newWorld(&testing.T{})
	msg := w.create("E1", true)
	w.ExpectOK(w.t, "commission", voting.TypeAddVoters, voting.MsgAddVoters{Election: "E1", Voters: []string{w.Addr("voter1")}})
	w.ceremony(msg)
	w.SetTime(w.Time().Add(100e9))
	f.Add(w.ballot(msg, "b1", 0), false)
	f.Add(w.spoiled(msg, "s1", 1), true)
	f.Add([]byte(`{"id":"x","contests":[{"contest_id":"mayor","selections":[{"ciphertext":{"A":null,"B":null}}]}],"state":"cast"}`), false)
	f.Fuzz(func(t *testing.T, ballot []byte, spoil bool) {
		typ, body := voting.TypeCastBallot, any(voting.MsgCastBallot{Election: "E1", Ballot: ballot})
		if spoil {
			typ, body = voting.TypeSpoilBallot, voting.MsgSpoilBallot{Election: "E1", Ballot: ballot}
		}
		before, _ := json.Marshal(w.election("E1"))
		keys := len(w.Keys("voting/"))
		r := w.Exec("voter1", typ, body)
		if r.Panic != "" {
			t.Fatal(r)
		}
		after, _ := json.Marshal(w.election("E1"))
		if r.Err != nil && (string(before) != string(after) || len(w.Keys("voting/")) != keys) {
			t.Fatalf("refused (%v), yet the election changed", r.Err)
		}
	})
}
