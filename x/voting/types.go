package voting

import (
	"github.com/govchain/govchain/evoting"
)

// Name is the module's name.
const Name = "voting"

// RoleCommission creates elections and keeps their voter rolls.
const RoleCommission = "voting.commission"

// MaxVotersPerBatch bounds one add_voters message.
const MaxVotersPerBatch = 256

// Contest is one question of a manifest.
type Contest struct {
	ID      string   `cbor:"1,keyasint" json:"id" doc:"contest id"`
	Options []string `cbor:"2,keyasint" json:"options" doc:"option names, in ballot order"`
	Limit   uint32   `cbor:"3,keyasint" json:"limit" doc:"most options a voter may select"`
}

// Election is an election's state.
type Election struct {
	ID        string    `cbor:"1,keyasint" json:"id"`
	Contests  []Contest `cbor:"2,keyasint" json:"contests"`
	Trustees  []string  `cbor:"3,keyasint" json:"trustees" doc:"trustee accounts; trustee i (from 1) is the i-th"`
	Threshold uint32    `cbor:"4,keyasint" json:"threshold"`
	Start     int64     `cbor:"5,keyasint" json:"start_unix" fmt:"unix"`
	End       int64     `cbor:"6,keyasint" json:"end_unix" fmt:"unix"`
	Revote    bool      `cbor:"7,keyasint,omitempty" json:"revote,omitempty"`
	// Commitments are the trustees' ceremony commitments (evoting JSON), by
	// trustee index - 1; empty until posted.
	Commitments [][]byte `cbor:"8,keyasint" json:"commitments"`
	JointKey    []byte   `cbor:"9,keyasint,omitempty" json:"joint_key,omitempty"`
	RollCount   uint64   `cbor:"10,keyasint,omitempty" json:"roll_count"`
	// RollRoot is the roll's hash chain: SHA-256("govchain/voting/roll/v1"
	// || previous root || address) over the voters in the order added,
	// starting from 32 zero bytes.
	RollRoot []byte `cbor:"11,keyasint,omitempty" json:"roll_root,omitempty"`
	Ballots  uint64 `cbor:"12,keyasint,omitempty" json:"ballots" doc:"ballots recorded (counted or replaced)"`
	Counted  uint64 `cbor:"13,keyasint,omitempty" json:"counted" doc:"ballots counted (one per voter)"`
	LastCode []byte `cbor:"14,keyasint,omitempty" json:"last_code,omitempty"`
	// Aggregate is the homomorphic sum of the counted ballots, one 64-byte
	// ciphertext per option, contests in manifest order.
	Aggregate [][]byte `cbor:"15,keyasint,omitempty" json:"aggregate,omitempty"`
	// Decryptions are the trustees' partial decryptions of the aggregate
	// (JSON []evoting.Partial, one per option), by trustee index - 1.
	Decryptions [][]byte `cbor:"16,keyasint,omitempty" json:"decryptions,omitempty"`
	// Result is the count per option (contests in manifest order), set
	// when k trustees have decrypted.
	Result []uint64 `cbor:"17,keyasint,omitempty" json:"result,omitempty"`
	// TransportKeys are the trustees' keys for receiving their shares
	// (32-byte points), by trustee index - 1, posted with the commitments.
	TransportKeys [][]byte `cbor:"18,keyasint,omitempty" json:"transport_keys,omitempty"`
	// Shares are the dealers' encrypted shares, by dealer index - 1: n
	// times 64 bytes (evoting.EncryptShare), recipient l at (l-1)*64, the
	// dealer's own slot zero; empty until posted.
	Shares [][]byte `cbor:"19,keyasint,omitempty" json:"shares,omitempty"`
	// Disqualified are the dealers a complaint proved to have dealt a bad
	// share: the ceremony failed and the election takes no ballots.
	Disqualified []uint32 `cbor:"20,keyasint,omitempty" json:"disqualified,omitempty"`
	// Spoiled counts the challenged ballots published with their reveal.
	Spoiled uint64 `cbor:"21,keyasint,omitempty" json:"spoiled,omitempty"`
}

// Phase is where the election stands at block time now (unix seconds):
// "ceremony" before the start, "open" in [start, end), "closed" after
// the end until the result is final, then "final". It is computed from
// block time alone: no transaction opens or closes an election.
func (e *Election) Phase(now int64) string {
	switch {
	case e.Result != nil:
		return "final"
	case now < e.Start:
		return "ceremony"
	case now < e.End:
		return "open"
	default:
		return "closed"
	}
}

// Manifest is the evoting manifest of the election.
func (e *Election) Manifest() *evoting.Manifest {
	m := &evoting.Manifest{ElectionID: e.ID, Trustees: uint32(len(e.Trustees)), Threshold: e.Threshold}
	for _, c := range e.Contests {
		m.Contests = append(m.Contests, evoting.Contest{ID: c.ID, Options: c.Options, Limit: c.Limit})
	}
	return m
}

// BallotEntry is one recorded ballot.
type BallotEntry struct {
	Seq     uint64 `cbor:"1,keyasint" json:"seq"`
	Voter   string `cbor:"2,keyasint" json:"voter"`
	Ballot  []byte `cbor:"3,keyasint" json:"ballot" doc:"the evoting ballot, JSON as in docs/evoting.md"`
	Code    []byte `cbor:"4,keyasint" json:"code"`
	Height  int64  `cbor:"5,keyasint" json:"height"`
	Counted bool   `cbor:"6,keyasint,omitempty" json:"counted"`
}

// CodeRef finds a ballot by its tracking code.
type CodeRef struct {
	Election string `cbor:"1,keyasint" json:"election"`
	Seq      uint64 `cbor:"2,keyasint" json:"seq"`
}

// Voter is a roll entry.
type Voter struct {
	Address string `cbor:"1,keyasint" json:"address"`
	Voted   bool   `cbor:"2,keyasint,omitempty" json:"voted"`
	Ballot  uint64 `cbor:"3,keyasint,omitempty" json:"ballot" doc:"seq of the counted ballot"`
}
