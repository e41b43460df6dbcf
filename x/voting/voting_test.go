package voting_test

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/app/module/moduletest"
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
	ctx := evoting.CeremonyContext(manifest(msg))
	var cs []*evoting.Commitment
	for i := range w.trustees {
		d, c, err := evoting.NewDealer(ctx, uint32(i+1), int(msg.Threshold), rand.Reader)
		if err != nil {
			w.t.Fatal(err)
		}
		raw, _ := json.Marshal(c)
		w.ExpectOK(w.t, fmt.Sprintf("trustee%d", i+1), voting.TypeCommitKey, voting.MsgCommitKey{Election: msg.ID, Commitment: raw})
		w.dealers, cs = append(w.dealers, d), append(cs, c)
	}
	w.K = evoting.JointKey(cs)
	if w.byElect == nil {
		w.byElect = map[string][]*evoting.Dealer{}
	}
	w.byElect[msg.ID], w.dealers = w.dealers, nil
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
	w.ExpectCode(t, voting.ErrNotTrustee.Code, "outsider", voting.TypeCommitKey, voting.MsgCommitKey{Election: "E1", Commitment: []byte("{}")})
	_, bad, _ := evoting.NewDealer(evoting.Context{Label: "other"}, 1, 2, rand.Reader)
	rawBad, _ := json.Marshal(bad)
	w.ExpectCode(t, voting.ErrBadCommitment.Code, "trustee1", voting.TypeCommitKey, voting.MsgCommitKey{Election: "E1", Commitment: rawBad})
	w.ceremony(msg)
	w.ExpectCode(t, voting.ErrTrusteeActed.Code, "trustee1", voting.TypeCommitKey, voting.MsgCommitKey{Election: "E1", Commitment: rawBad})
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
	w.ExpectCode(t, voting.ErrCeremonyOpen.Code, "trustee1", voting.TypeCommitKey, voting.MsgCommitKey{Election: "E1", Commitment: rawBad})
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
	r3 := &voting.MsgCreateElection{ID: "R3", Contests: contests, Trustees: w.trustees, Threshold: 2,
		Start: w.Time().Unix() + 50, End: w.Time().Unix() + 60}
	w.ExpectOK(t, "commission", voting.TypeCreateElection, r3)
	w.ceremony(r3)
	w.SetTime(w.Time().Add(100e9))
	msg := &voting.MsgCreateElection{ID: "R1", Contests: contests, Trustees: w.trustees, Threshold: 2,
		Start: w.Time().Unix() + 100, End: w.Time().Unix() + 200}
	_, c, _ := evoting.NewDealer(evoting.CeremonyContext(manifest(msg)), 1, 2, rand.Reader)
	rawC, _ := json.Marshal(c)
	moduletest.CheckRoleTable(t, w.World, voting.New(), moduletest.RoleTable{
		{Type: voting.TypeCreateElection, Roles: []string{voting.RoleCommission}, Body: msg, Attempts: []moduletest.Attempt{
			{Signer: "clerk", Code: module.ErrUnauthorized.Code}, {Signer: "ec", Code: module.ErrUnauthorized.Code}, {Signer: "commission"}}},
		{Type: voting.TypeAddVoters, Roles: []string{voting.RoleCommission}, Body: voting.MsgAddVoters{Election: "R1", Voters: []string{w.Addr("voter1")}}, Attempts: []moduletest.Attempt{
			{Signer: "clerk", Code: module.ErrUnauthorized.Code}, {Signer: "ec", Code: module.ErrUnauthorized.Code}, {Signer: "commission"}}},
		{Type: voting.TypeCommitKey, Body: voting.MsgCommitKey{Election: "R1", Commitment: rawC}, Attempts: []moduletest.Attempt{
			{Signer: "outsider", Code: voting.ErrNotTrustee.Code}, {Signer: "trustee1"}}},
		{Type: voting.TypeDecrypt, Body: voting.MsgDecrypt{Election: "R3", Partials: w.partials("R3", 1)}, Attempts: []moduletest.Attempt{
			{Signer: "outsider", Code: voting.ErrNotTrustee.Code}, {Signer: "trustee1"}}},
		{Type: voting.TypeCastBallot, Body: voting.MsgCastBallot{Election: "R2", Ballot: r2Ballot}, Attempts: []moduletest.Attempt{
			{Signer: "outsider", Code: voting.ErrNotOnRoll.Code}, {Signer: "voter1"}}},
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
