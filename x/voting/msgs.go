package voting

import (
	"github.com/govchain/govchain/app/module"
)

// Message types.
const (
	TypeCreateElection = "voting.create_election"
	TypeAddVoters      = "voting.add_voters"
	TypeCommitKey      = "voting.commit_key"
	TypeCastBallot     = "voting.cast_ballot"
	TypeDecrypt        = "voting.decrypt"
	TypePostShares     = "voting.post_shares"
	TypeComplain       = "voting.complain"
	TypeSpoilBallot    = "voting.spoil_ballot"
)

// MsgCreateElection creates an election.
type MsgCreateElection struct {
	ID        string    `cbor:"1,keyasint" json:"id" cli:"arg"`
	Contests  []Contest `cbor:"2,keyasint" json:"contests"`
	Trustees  []string  `cbor:"3,keyasint" json:"trustees"`
	Threshold uint32    `cbor:"4,keyasint" json:"threshold"`
	Start     int64     `cbor:"5,keyasint" json:"start_unix" fmt:"unix"`
	End       int64     `cbor:"6,keyasint" json:"end_unix" fmt:"unix"`
	Revote    bool      `cbor:"7,keyasint,omitempty" json:"revote,omitempty"`
}

func (m *MsgCreateElection) Validate() error {
	if !idOK(m.ID) {
		return module.ErrInvalidField.Wrapf("election id: 1-64 of A-Z a-z 0-9 . -")
	}
	if len(m.Trustees) == 0 || len(m.Trustees) > 32 || len(m.Contests) > 32 {
		return ErrBadManifest.Wrapf("1-32 trustees, at most 32 contests")
	}
	seen := map[string]bool{}
	for _, t := range m.Trustees {
		if t == "" || seen[t] {
			return ErrBadManifest.Wrapf("trustees must be distinct accounts")
		}
		seen[t] = true
	}
	for _, c := range m.Contests {
		if !idOK(c.ID) || len(c.Options) > 64 {
			return ErrBadManifest.Wrapf("contest %q: id and at most 64 options", c.ID)
		}
		names := map[string]bool{}
		for _, o := range c.Options {
			if o == "" || len(o) > 128 || names[o] {
				return ErrBadManifest.Wrapf("contest %s: option names non-empty, distinct, at most 128 bytes", c.ID)
			}
			names[o] = true
		}
	}
	e := Election{ID: m.ID, Contests: m.Contests, Trustees: m.Trustees, Threshold: m.Threshold}
	if err := e.Manifest().Check(); err != nil {
		return ErrBadManifest.Wrapf("%v", err)
	}
	if m.End <= m.Start {
		return ErrBadWindow
	}
	return nil
}

// MsgAddVoters puts accounts on an election's roll (before it opens).
type MsgAddVoters struct {
	Election string   `cbor:"1,keyasint" json:"election" cli:"arg"`
	Voters   []string `cbor:"2,keyasint" json:"voters" cli:"name=voter"`
}

func (m *MsgAddVoters) Validate() error {
	if len(m.Voters) == 0 || len(m.Voters) > MaxVotersPerBatch {
		return ErrTooManyVoters.Wrapf("1 to %d voters", MaxVotersPerBatch)
	}
	return nil
}

// MsgCommitKey is a trustee's key ceremony commitment (evoting JSON).
type MsgCommitKey struct {
	Election   string `cbor:"1,keyasint" json:"election" cli:"arg"`
	Commitment []byte `cbor:"2,keyasint" json:"commitment" doc:"evoting.Commitment as JSON"`
	// TransportKey is the trustee's key for receiving shares (a 32-byte
	// ristretto255 point T = g^t).
	TransportKey []byte `cbor:"3,keyasint" json:"transport_key"`
}

func (m *MsgCommitKey) Validate() error {
	if len(m.TransportKey) != 32 {
		return module.ErrInvalidField.Wrapf("transport_key: 32 bytes")
	}
	if len(m.Commitment) > 64<<10 {
		return module.ErrInvalidField.Wrapf("commitment: at most 64 KiB")
	}
	return nil
}

// MsgPostShares is a dealer's encrypted shares for the other trustees.
type MsgPostShares struct {
	Election string `cbor:"1,keyasint" json:"election" cli:"arg"`
	// Shares is n times 64 bytes: recipient l's evoting.EncryptShare at
	// (l-1)*64, the dealer's own slot 64 zero bytes.
	Shares []byte `cbor:"2,keyasint" json:"shares"`
}

func (m *MsgPostShares) Validate() error {
	if len(m.Shares) == 0 || len(m.Shares)%64 != 0 || len(m.Shares) > 32*64 {
		return module.ErrInvalidField.Wrapf("shares: n times 64 bytes, n <= 32")
	}
	return nil
}

// MsgComplain is a trustee's complaint that a dealer's share for it does
// not verify: it reveals the share's secret S with a DLEQ proof (label
// "complaint/<dealer>/<recipient>").
type MsgComplain struct {
	Election string `cbor:"1,keyasint" json:"election" cli:"arg"`
	Dealer   uint32 `cbor:"2,keyasint" json:"dealer"`
	Secret   []byte `cbor:"3,keyasint" json:"secret" doc:"S = R^t, 32 bytes"`
	Proof    []byte `cbor:"4,keyasint" json:"proof" doc:"evoting.DLEQProof as JSON"`
}

func (m *MsgComplain) Validate() error {
	if m.Dealer == 0 || len(m.Secret) != 32 || len(m.Proof) > 1024 {
		return module.ErrInvalidField.Wrapf("dealer from 1, secret 32 bytes, proof at most 1 KiB")
	}
	return nil
}

// MsgSpoilBallot publishes a challenged ballot (evoting JSON, state
// spoiled, with its reveal): it is recorded and chained like a cast
// ballot, never counted, and does not use up the voter's ballot.
type MsgSpoilBallot struct {
	Election string `cbor:"1,keyasint" json:"election" cli:"arg"`
	Ballot   []byte `cbor:"2,keyasint" json:"ballot" doc:"evoting.Ballot as JSON with state spoiled and reveal"`
}

func (m *MsgSpoilBallot) Validate() error { return ballotSize(m.Ballot) }

// MsgCastBallot casts an encrypted ballot (evoting JSON, state cast).
type MsgCastBallot struct {
	Election string `cbor:"1,keyasint" json:"election" cli:"arg"`
	Ballot   []byte `cbor:"2,keyasint" json:"ballot" doc:"evoting.Ballot as JSON; prev_code and code are set by the chain"`
}

func (m *MsgCastBallot) Validate() error { return ballotSize(m.Ballot) }

// MaxBallotBytes bounds a ballot's JSON (32 contests of 64 options fit).
const MaxBallotBytes = 1 << 20

func ballotSize(b []byte) error {
	if len(b) == 0 || len(b) > MaxBallotBytes {
		return module.ErrInvalidField.Wrapf("ballot: 1 byte to %d bytes", MaxBallotBytes)
	}
	return nil
}

func idOK(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-') {
			return false
		}
	}
	return true
}

// MsgDecrypt is a trustee's partial decryption of the aggregate: one
// evoting.Partial per option (contests in manifest order), JSON, each
// proven with the label "decrypt/<contest>/<option index>/<trustee>".
type MsgDecrypt struct {
	Election string `cbor:"1,keyasint" json:"election" cli:"arg"`
	Partials []byte `cbor:"2,keyasint" json:"partials" doc:"[]evoting.Partial as JSON"`
}
