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
}

// MsgCastBallot casts an encrypted ballot (evoting JSON, state cast).
type MsgCastBallot struct {
	Election string `cbor:"1,keyasint" json:"election" cli:"arg"`
	Ballot   []byte `cbor:"2,keyasint" json:"ballot" doc:"evoting.Ballot as JSON; prev_code and code are set by the chain"`
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
