package voting_test

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/govchain/govchain/evoting"
	"github.com/govchain/govchain/x/voting"
)

// BenchmarkCastBallot: one 5-option, limit-1 ballot through the handler
// (decoding, every proof, aggregate update, writes), one validator core.
func BenchmarkCastBallot(b *testing.B) {
	t := &testing.T{}
	w := newWorld(t)
	w.t = t
	msg := w.create("E1", true)
	w.ExpectOK(t, "commission", voting.TypeAddVoters, voting.MsgAddVoters{Election: "E1", Voters: []string{w.Addr("voter1")}})
	w.ceremony(msg)
	w.SetTime(w.Time().Add(100e9))
	ballots := make([][]byte, b.N)
	for i := range ballots {
		ballots[i] = w.ballot(msg, fmt.Sprintf("b%d", i), i%5)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if r := w.Exec("voter1", voting.TypeCastBallot, voting.MsgCastBallot{Election: "E1", Ballot: ballots[i]}); r.Err != nil {
			b.Fatal(r)
		}
	}
}

// BenchmarkVerifyBallot: evoting.VerifyCastBallot alone, per core.
func BenchmarkVerifyBallot(b *testing.B) {
	m := &evoting.Manifest{ElectionID: "E1", Contests: []evoting.Contest{{ID: "mayor", Options: []string{"a", "b", "c", "d", "e"}, Limit: 1}}, Trustees: 1, Threshold: 1}
	_, c, _ := evoting.NewDealer(evoting.CeremonyContext(m), 1, 1, rand.Reader)
	K := evoting.JointKey([]*evoting.Commitment{c})
	bal, _, _ := evoting.EncryptBallot(m, K, "b1", [][]uint64{{0, 1, 0, 0, 0}}, nil, rand.Reader)
	raw, _ := json.Marshal(bal)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var x evoting.Ballot
		json.Unmarshal(raw, &x)
		if err := evoting.VerifyCastBallot(m, K, &x); err != nil {
			b.Fatal(err)
		}
	}
}
