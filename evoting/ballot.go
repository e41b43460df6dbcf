package evoting

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/gtank/ristretto255"
)

// Manifest describes an election: its contests, and the trustees' n and k.
type Manifest struct {
	ElectionID string    `json:"election_id"`
	Contests   []Contest `json:"contests"`
	Trustees   uint32    `json:"trustees"`  // n
	Threshold  uint32    `json:"threshold"` // k
}

// Contest is one question: its options and how many may be selected.
type Contest struct {
	ID      string   `json:"id"`
	Options []string `json:"options"`
	Limit   uint32   `json:"limit"`
}

// Hash is SHA-256 of the manifest's JSON encoding (Go's encoding/json of
// these types: fields in declaration order, no extra spaces); every proof of
// the election is bound to it.
func (m *Manifest) Hash() [32]byte {
	b, _ := json.Marshal(m)
	return sha256.Sum256(b)
}

// Check validates the manifest's shape.
func (m *Manifest) Check() error {
	if m.ElectionID == "" || len(m.Contests) == 0 || m.Threshold == 0 || m.Threshold > m.Trustees {
		return errors.New("evoting: manifest needs an id, contests, and 1 <= k <= n trustees")
	}
	seen := map[string]bool{}
	for _, c := range m.Contests {
		if c.ID == "" || seen[c.ID] || len(c.Options) == 0 || c.Limit == 0 || int(c.Limit) > len(c.Options) {
			return fmt.Errorf("evoting: contest %q: unique id, options, 1 <= limit <= options", c.ID)
		}
		seen[c.ID] = true
		names := map[string]bool{}
		for oi, o := range c.Options {
			if o == "" || names[o] {
				return fmt.Errorf("evoting: contest %q option %d: option names are non-empty and distinct", c.ID, oi)
			}
			names[o] = true
		}
	}
	return nil
}

// Selection is one option's encrypted 0/1 with its proof.
type Selection struct {
	Ciphertext Ciphertext  `json:"ciphertext"`
	Proof      *RangeProof `json:"proof"`
}

// BallotContest is a contest of a ballot: its selections and the proof
// that they sum to at most the contest's limit.
type BallotContest struct {
	ContestID  string      `json:"contest_id"`
	Selections []Selection `json:"selections"`
	LimitProof *RangeProof `json:"limit_proof"`
}

// Ballot states.
const (
	Cast    = "cast"
	Spoiled = "spoiled"
	// Replaced is a cast ballot that a later ballot of the same voter
	// replaced (re-voting): its proofs are checked, it stays in the
	// tracking-code chain, and it is not in the tally.
	Replaced = "replaced"
)

// Ballot is an encrypted ballot. Code is its confirmation (tracking) code:
// SHA-256("govchain/evoting/v1/code" || previous ballot's code || ballot
// hash), so codes chain every ballot of the election in order.
type Ballot struct {
	ID       string          `json:"id"`
	Contests []BallotContest `json:"contests"`
	PrevCode []byte          `json:"prev_code"`
	Code     []byte          `json:"code"`
	State    string          `json:"state"`
	// Reveal is set on a spoiled ballot (a Benaloh challenge): the values
	// and nonces, so anyone can check the device encrypted the choices.
	Reveal [][]Opening `json:"reveal,omitempty"`
}

// Opening is a selection's value and nonce.
type Opening struct {
	Value uint64  `json:"value"`
	Nonce *Scalar `json:"nonce"`
}

func selectionLabel(ballot, contest string, option int) string {
	return fmt.Sprintf("%s/%s/%d", ballot, contest, option)
}

func contestLabel(ballot, contest string) string { return ballot + "/" + contest + "/limit" }

// contentHash commits to a ballot's id and ciphertexts.
func (b *Ballot) contentHash() [32]byte {
	h := sha256.New()
	h.Write([]byte("govchain/evoting/v1/ballot"))
	h.Write(binary.BigEndian.AppendUint32(nil, uint32(len(b.ID))))
	h.Write([]byte(b.ID))
	for _, c := range b.Contests {
		h.Write(binary.BigEndian.AppendUint32(nil, uint32(len(c.ContestID))))
		h.Write([]byte(c.ContestID))
		for _, s := range c.Selections {
			h.Write(s.Ciphertext.Encode())
		}
	}
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// TrackingCode is the ballot's confirmation code after prev.
func TrackingCode(prev []byte, b *Ballot) []byte {
	ch := b.contentHash()
	h := sha256.New()
	h.Write([]byte("govchain/evoting/v1/code"))
	h.Write(prev)
	h.Write(ch[:])
	return h.Sum(nil)
}

// EncryptBallot encrypts choices (per contest, a 0/1 per option) with all
// proofs, chained after prev; it returns the openings a voter needs to
// spoil the ballot (Benaloh challenge) instead of casting it.
func EncryptBallot(m *Manifest, K *Point, id string, choices [][]uint64, prev []byte, rnd io.Reader) (*Ballot, [][]Opening, error) {
	if len(choices) != len(m.Contests) {
		return nil, nil, fmt.Errorf("evoting: %d contests chosen, manifest has %d", len(choices), len(m.Contests))
	}
	mh := m.Hash()
	b := &Ballot{ID: id, PrevCode: prev, State: Cast}
	openings := make([][]Opening, len(choices))
	for ci, c := range m.Contests {
		if len(choices[ci]) != len(c.Options) {
			return nil, nil, fmt.Errorf("evoting: contest %s: %d choices for %d options", c.ID, len(choices[ci]), len(c.Options))
		}
		bc := BallotContest{ContestID: c.ID}
		sum, rsum, total := Zero(), ristretto255.NewScalar().Zero(), uint64(0)
		for oi, v := range choices[ci] {
			r, err := RandomScalar(rnd)
			if err != nil {
				return nil, nil, err
			}
			ct := Encrypt(K, v, r)
			p, err := ProveRange(Context{Manifest: mh, Label: selectionLabel(id, c.ID, oi)}, K, ct, v, 1, r, rnd)
			if err != nil {
				return nil, nil, fmt.Errorf("evoting: contest %s option %d: %w", c.ID, oi, err)
			}
			bc.Selections = append(bc.Selections, Selection{Ciphertext: ct, Proof: p})
			openings[ci] = append(openings[ci], Opening{Value: v, Nonce: r})
			sum, rsum, total = sum.Add(ct), ristretto255.NewScalar().Add(rsum, r), total+v
		}
		p, err := ProveRange(Context{Manifest: mh, Label: contestLabel(id, c.ID)}, K, sum, total, uint64(c.Limit), rsum, rnd)
		if err != nil {
			return nil, nil, fmt.Errorf("evoting: contest %s: %d selections, limit %d: %w", c.ID, total, c.Limit, err)
		}
		bc.LimitProof = p
		b.Contests = append(b.Contests, bc)
	}
	b.Code = TrackingCode(prev, b)
	return b, openings, nil
}

// Spoil turns b into a spoiled ballot that reveals its openings.
func Spoil(b *Ballot, openings [][]Opening) {
	b.State, b.Reveal = Spoiled, openings
}
