package datashare

import (
	"fmt"
	"regexp"
	"unicode/utf8"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/crypto"
)

// Name is the module name.
const Name = "datashare"

// Roles defined by this module. Every department owns data and may ask for
// another's, so every department grants them to its own officials.
const (
	// RoleSteward publishes its department's datasets, decides on
	// requests for them (and, for restricted datasets, approves as one of
	// the m of n departments) and revokes grants.
	RoleSteward = "datashare.steward"
	// RoleRequester asks for access on behalf of its department and signs
	// the access requests sent to owners' data services.
	RoleRequester = "datashare.requester"
	// RoleService is a department's data service account: it records every
	// access it served (client/datashare signs these entries).
	RoleService = "datashare.service"
)

// Sensitivity levels of a dataset. Requests for a restricted dataset need
// the approval of m of its n approver departments, the owner among them.
const (
	LevelPublic       = 1
	LevelInternal     = 2
	LevelConfidential = 3
	LevelRestricted   = 4
)

// Request statuses.
const (
	StatusPending = "pending"
	StatusGranted = "granted"
	StatusRefused = "refused"
	StatusRevoked = "revoked"
	// StatusExpired is only derived when read: a grant past its period.
	StatusExpired = "expired"
)

// Bounds.
const (
	MaxPeriod    = 366 * 24 * 3600 // seconds an access period may last
	MaxApprovers = 16
	// MaxLogDelay is how long after a request's own time its access may
	// still be logged (block time); MaxClockSkew how far a request's time
	// may lie ahead of the block time.
	MaxLogDelay  = 600
	MaxClockSkew = 120
)

// Dataset is a catalogue entry: a description of data kept off chain by
// its owner department.
type Dataset struct {
	ID         string `cbor:"1,keyasint" json:"id"`
	Name       string `cbor:"2,keyasint" json:"name"`
	SchemaHash []byte `cbor:"3,keyasint" json:"schema_hash"`
	Owner      string `cbor:"4,keyasint" json:"owner"`
	LegalBasis string `cbor:"5,keyasint" json:"legal_basis"`
	// Sensitivity is 1 public, 2 internal, 3 confidential, 4 restricted.
	Sensitivity   uint32 `cbor:"6,keyasint" json:"sensitivity"`
	RetentionDays uint32 `cbor:"7,keyasint,omitempty" json:"retention_days"`
	// ConsentRequired: the law requires each subject citizen's consent
	// before an access concerning them.
	ConsentRequired bool `cbor:"8,keyasint,omitempty" json:"consent_required"`
	// Approvers and Threshold (restricted datasets only): the n
	// departments of which m must approve a request, the owner among them.
	Approvers   []string `cbor:"9,keyasint,omitempty" json:"approvers,omitempty"`
	Threshold   uint32   `cbor:"10,keyasint,omitempty" json:"threshold,omitempty"`
	PublishedBy string   `cbor:"11,keyasint" json:"published_by"`
	Published   int64    `cbor:"12,keyasint" json:"published_height"`
	Time        int64    `cbor:"13,keyasint" json:"published_unix" fmt:"unix"`
}

// Request is a department's request for access to a dataset; once granted
// it is the grant that accesses name (by the same id).
type Request struct {
	ID          uint64 `cbor:"1,keyasint" json:"id"`
	Dataset     string `cbor:"2,keyasint" json:"dataset"`
	Owner       string `cbor:"3,keyasint" json:"owner"`
	Requester   string `cbor:"4,keyasint" json:"requester"`
	RequestedBy string `cbor:"5,keyasint" json:"requested_by"`
	Purpose     string `cbor:"6,keyasint" json:"purpose"`
	PurposeText string `cbor:"7,keyasint,omitempty" json:"purpose_text,omitempty"`
	From        int64  `cbor:"8,keyasint" json:"from_unix" fmt:"unix"`
	Until       int64  `cbor:"9,keyasint" json:"until_unix" fmt:"unix"`
	Status      string `cbor:"10,keyasint" json:"status"`
	// Approvals and Refusals are the departments that decided, sorted.
	Approvals []string `cbor:"11,keyasint,omitempty" json:"approvals,omitempty"`
	Refusals  []string `cbor:"12,keyasint,omitempty" json:"refusals,omitempty"`
	Opened    int64    `cbor:"13,keyasint" json:"opened_height"`
	Decided   int64    `cbor:"14,keyasint,omitempty" json:"decided_height,omitempty"`
	Closed    int64    `cbor:"15,keyasint,omitempty" json:"closed_height,omitempty"`
	Reason    string   `cbor:"16,keyasint,omitempty" json:"reason,omitempty"`
	// Accesses counts the accesses logged under the grant: they are
	// requests/{id}/accesses/1..Accesses, so an auditor holding the proven
	// grant knows the whole list.
	Accesses uint64 `cbor:"17,keyasint,omitempty" json:"accesses"`
	// GrantedAfter and ClosedAfter place the grant's start and revocation
	// in the chain-wide order of accesses (Access.ID): an access under the
	// grant has GrantedAfter < ID, and ID <= ClosedAfter once revoked.
	GrantedAfter uint64 `cbor:"18,keyasint,omitempty" json:"granted_after_access,omitempty"`
	ClosedAfter  uint64 `cbor:"19,keyasint,omitempty" json:"closed_after_access,omitempty"`
	// EffectiveStatus is derived when read, never stored.
	EffectiveStatus string `cbor:"-" json:"effective_status,omitempty" derive:"status, but expired if status is granted and the block time in unix seconds (rounded down) is greater than until_unix"`
}

// Consent is a citizen's consent to accesses concerning them under one
// grant. Withdrawal is final for that grant.
type Consent struct {
	Grant     uint64 `cbor:"1,keyasint" json:"grant"`
	Subject   string `cbor:"2,keyasint" json:"subject"`
	Given     int64  `cbor:"3,keyasint" json:"given_height"`
	GivenTime int64  `cbor:"4,keyasint" json:"given_unix" fmt:"unix"`
	// GivenAfter and WithdrawnAfter place the consent in the chain-wide
	// order of accesses (Access.ID), as Request's fields do.
	GivenAfter     uint64 `cbor:"5,keyasint,omitempty" json:"given_after_access,omitempty"`
	Withdrawn      int64  `cbor:"6,keyasint,omitempty" json:"withdrawn_height,omitempty"`
	WithdrawnTime  int64  `cbor:"7,keyasint,omitempty" json:"withdrawn_unix,omitempty" fmt:"unix"`
	WithdrawnAfter uint64 `cbor:"8,keyasint,omitempty" json:"withdrawn_after_access,omitempty"`
}

// Live reports whether the consent covers an access with chain-wide id.
func (c *Consent) Live(accessID uint64) bool {
	return c.GivenAfter < accessID && (c.Withdrawn == 0 || accessID <= c.WithdrawnAfter)
}

// Access is one access made under a grant, as the owner's data service
// logged it: who asked, for what, when, and a hash of what was returned
// (never the data). Request and Signature are the requester's signed
// request, verifiable offline with PublicKey (whose address is
// RequesterAccount).
type Access struct {
	ID               uint64 `cbor:"1,keyasint" json:"id"`
	Grant            uint64 `cbor:"2,keyasint" json:"grant"`
	Seq              uint64 `cbor:"3,keyasint" json:"seq"`
	Dataset          string `cbor:"4,keyasint" json:"dataset"`
	Requester        string `cbor:"5,keyasint" json:"requester"`
	RequesterAccount string `cbor:"6,keyasint" json:"requester_account"`
	Purpose          string `cbor:"7,keyasint" json:"purpose"`
	Subject          string `cbor:"8,keyasint,omitempty" json:"subject,omitempty"`
	RequestTime      int64  `cbor:"9,keyasint" json:"request_unix" fmt:"unix"`
	RequestHash      []byte `cbor:"10,keyasint" json:"request_hash"`
	ResponseHash     []byte `cbor:"11,keyasint" json:"response_hash"`
	Service          string `cbor:"12,keyasint" json:"service"`
	Height           int64  `cbor:"13,keyasint" json:"height"`
	Time             int64  `cbor:"14,keyasint" json:"time_unix" fmt:"unix"`
	Request          []byte `cbor:"15,keyasint" json:"request"`
	Algorithm        string `cbor:"16,keyasint" json:"algorithm"`
	PublicKey        []byte `cbor:"17,keyasint" json:"public_key"`
	Signature        []byte `cbor:"18,keyasint" json:"signature"`
}

// Meta holds counters.
type Meta struct {
	NextRequest uint64 `cbor:"1,keyasint,omitempty"`
	// Accesses counts every access logged on the chain (Access.ID).
	Accesses uint64 `cbor:"2,keyasint,omitempty"`
}

var (
	// DatasetPattern is the form of a dataset id (it names state keys).
	DatasetPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{0,63}$`)
	// PurposePattern is the form of a purpose code.
	PurposePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)
	deptPattern    = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,31}$`)
)

func checkText(field, s string, max int, required bool) error {
	if (required && s == "") || len(s) > max || !utf8.ValidString(s) {
		return module.ErrInvalidField.Wrapf("%s must be 1 to %d bytes of UTF-8", field, max)
	}
	return nil
}

func checkDataset(id string) error {
	if !DatasetPattern.MatchString(id) {
		return module.ErrInvalidField.Wrapf("dataset id %q: 1-64 of a-z 0-9 . -", id)
	}
	return nil
}

func checkPurpose(p string) error {
	if !PurposePattern.MatchString(p) {
		return module.ErrInvalidField.Wrapf("purpose %q: a code of 1-64 of a-z 0-9 . _ -", p)
	}
	return nil
}

func checkAddress(field, a string, required bool) error {
	if (a != "" || required) && !crypto.ValidAddress(a) {
		return module.ErrInvalidField.Wrapf("%s %q is not an address", field, a)
	}
	return nil
}

func datasetKey(id string) string              { return "ds/" + id }
func requestKey(id uint64) string              { return fmt.Sprintf("req/%020d", id) }
func dsRequestKey(ds string, id uint64) string { return fmt.Sprintf("dsreq/%s/%020d", ds, id) }
func deptRequestKey(dept string, id uint64) string {
	return fmt.Sprintf("deptreq/%s/%020d", dept, id)
}
func accessKey(grant, seq uint64) string       { return fmt.Sprintf("access/%020d/%020d", grant, seq) }
func accessPrefix(grant uint64) string         { return fmt.Sprintf("access/%020d/", grant) }
func consentPrefix(grant uint64) string        { return fmt.Sprintf("consent/%020d/", grant) }
func consentKey(grant uint64, a string) string { return fmt.Sprintf("consent/%020d/%s", grant, a) }
func subjectConsentKey(a string, grant uint64) string {
	return fmt.Sprintf("cons/%s/%020d/%s", a, grant, a)
}
func subjectAccessKey(a string, grant, seq uint64) string {
	return fmt.Sprintf("subj/%s/%020d/%020d", a, grant, seq)
}
func replayKey(h []byte) string { return fmt.Sprintf("seen/%x", h) }

const metaKey = "meta"

// DatasetKey, RequestKey, AccessKey and ConsentKey are the records' keys
// under the module's prefix (for proven reads: "datashare/" + key).
func DatasetKey(id string) string              { return datasetKey(id) }
func RequestKey(id uint64) string              { return requestKey(id) }
func AccessKey(grant, seq uint64) string       { return accessKey(grant, seq) }
func ConsentKey(grant uint64, a string) string { return consentKey(grant, a) }
