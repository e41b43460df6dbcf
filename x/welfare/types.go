package welfare

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/govchain/govchain/app/module"
)

// Name is the module name.
const Name = "welfare"

// Roles defined by this module.
const (
	// RoleOfficer defines programs, enrols citizens, sets enrolment
	// statuses and runs disbursements for its own department's programs.
	RoleOfficer = "welfare.officer"
	// RoleAttester signs eligibility attestations for its department:
	// a program names, for each kind, the department whose attesters
	// may sign it.
	RoleAttester = "welfare.attester"
)

// Enrolment statuses (DCI social protection: enrolment status).
const (
	StatusActive    = "active"
	StatusSuspended = "suspended"
	StatusGraduated = "graduated"
	StatusDeceased  = "deceased"
)

// Benefit types (DCI: benefit type) and the one frequency supported.
var BenefitTypes = map[string]bool{"cash": true, "voucher": true, "in_kind": true}

// FrequencyMonthly: one period per calendar month of block time (UTC),
// named YYYY-MM.
const FrequencyMonthly = "monthly"

// Run statuses.
const (
	RunOpen      = "open"      // advance_run pays the next enrollees
	RunCompleted = "completed" // every enrollee in range was considered
	RunExhausted = "exhausted" // the budget line refused more funds; the run stopped
	RunStopped   = "stopped"   // the budget line refused a payment; the run stopped
	RunClosed    = "closed"    // closed by an officer before it completed
)

// Payment statuses.
const (
	PayPaid   = "paid"
	PayFailed = "failed" // the bank reported the transfer failed; retry_payment re-sends it under the same key
)

// Bounds.
const (
	MaxAmount       = 1_000_000_000_000 // fen per period (10^10 yuan)
	MaxRequirements = 8
	MaxValidityDays = 3660
	// MaxPerAdvance bounds the enrollees one advance_run considers (each
	// costs about 35 steps of module.StepLimit with two requirements; TestAdvanceWithinStepLimit
	// measures it).
	MaxPerAdvance = 1000
)

// Requirement is an attestation a program requires: its kind, the
// department whose attesters sign it and how long an attestation counts.
type Requirement struct {
	Kind         string `cbor:"1,keyasint" json:"kind"`
	Department   string `cbor:"2,keyasint" json:"department"`
	ValidityDays uint32 `cbor:"3,keyasint" json:"validity_days"`
}

// SetFlag reads KIND:DEPARTMENT:DAYS.
func (r *Requirement) SetFlag(s string) error {
	p := strings.Split(s, ":")
	if len(p) != 3 {
		return fmt.Errorf("want KIND:DEPARTMENT:DAYS")
	}
	d, err := strconv.ParseUint(p[2], 10, 32)
	if err != nil {
		return fmt.Errorf("days %q: %v", p[2], err)
	}
	r.Kind, r.Department, r.ValidityDays = p[0], p[1], uint32(d)
	return nil
}

// FlagSyntax describes SetFlag's form.
func (r *Requirement) FlagSyntax() string { return "KIND:DEPARTMENT:DAYS" }

// Program is a social protection program (DCI: programme).
type Program struct {
	ID           string        `cbor:"1,keyasint" json:"id"`
	Name         string        `cbor:"2,keyasint" json:"name"`
	Department   string        `cbor:"3,keyasint" json:"department"`
	BenefitType  string        `cbor:"4,keyasint" json:"benefit_type"`
	Frequency    string        `cbor:"5,keyasint" json:"frequency"`
	Amount       uint64        `cbor:"6,keyasint" json:"amount" fmt:"yuan"`
	BudgetLine   string        `cbor:"7,keyasint,omitempty" json:"budget_line,omitempty"`
	Requirements []Requirement `cbor:"8,keyasint,omitempty" json:"requirements"`
	Created      int64         `cbor:"9,keyasint" json:"created_height"`
	CreatedBy    string        `cbor:"10,keyasint" json:"created_by"`
	// Enrolled counts enrolments ever made (their sequence numbers are
	// 0..Enrolled-1); Active those whose status is active.
	Enrolled uint64 `cbor:"11,keyasint,omitempty" json:"enrolled"`
	Active   uint64 `cbor:"12,keyasint,omitempty" json:"active"`
	// Payments and Paid total every payment of the program.
	Payments uint64 `cbor:"13,keyasint,omitempty" json:"payments"`
	Paid     uint64 `cbor:"14,keyasint,omitempty" json:"paid" fmt:"yuan"`
	Runs     uint64 `cbor:"15,keyasint,omitempty" json:"runs"`
	// StartPeriod is the first period a run may pay.
	StartPeriod string `cbor:"16,keyasint" json:"start_period"`
}

// Enrolment is a beneficiary's enrolment in a program.
type Enrolment struct {
	Program     string `cbor:"1,keyasint" json:"program"`
	Beneficiary string `cbor:"2,keyasint" json:"beneficiary"`
	Seq         uint64 `cbor:"3,keyasint" json:"seq"`
	Status      string `cbor:"4,keyasint" json:"status"`
	Reason      string `cbor:"5,keyasint,omitempty" json:"reason,omitempty"`
	Enrolled    int64  `cbor:"6,keyasint" json:"enrolled_height"`
	By          string `cbor:"7,keyasint" json:"enrolled_by"`
	Appealed    bool   `cbor:"8,keyasint,omitempty" json:"appeal_pending"`
	Events      uint64 `cbor:"9,keyasint,omitempty" json:"history_length"`
	Payments    uint64 `cbor:"10,keyasint,omitempty" json:"payments"`
	Paid        uint64 `cbor:"11,keyasint,omitempty" json:"paid" fmt:"yuan"`
}

// Attestation is a department's signed statement about a citizen, kept
// as the SD-JWT digest of its disclosure: the claim and its salt stay off
// chain.
type Attestation struct {
	Beneficiary string `cbor:"1,keyasint" json:"beneficiary"`
	Kind        string `cbor:"2,keyasint" json:"kind"`
	Department  string `cbor:"3,keyasint" json:"department"`
	Digest      string `cbor:"4,keyasint" json:"digest"`
	By          string `cbor:"5,keyasint" json:"by"`
	Issued      int64  `cbor:"6,keyasint" json:"issued_unix" fmt:"unix"`
	Expires     int64  `cbor:"7,keyasint" json:"expires_unix" fmt:"unix"`
	Height      int64  `cbor:"8,keyasint" json:"height"`
	// Revoked is the reason the department withdrew it (Expires is then
	// the revocation's block time).
	Revoked string `cbor:"9,keyasint,omitempty" json:"revoked,omitempty"`
}

// HistoryEntry is one event of an enrolment: enrolled, suspended,
// reinstated, graduated, deceased, appealed.
type HistoryEntry struct {
	Seq        uint64 `cbor:"1,keyasint,omitempty" json:"seq"`
	Kind       string `cbor:"2,keyasint" json:"kind"`
	Status     string `cbor:"3,keyasint" json:"status"`
	Reason     string `cbor:"4,keyasint,omitempty" json:"reason,omitempty"`
	By         string `cbor:"5,keyasint" json:"by"`
	Department string `cbor:"6,keyasint,omitempty" json:"department,omitempty"`
	Height     int64  `cbor:"7,keyasint" json:"height"`
	Time       int64  `cbor:"8,keyasint" json:"time_unix" fmt:"unix"`
}

// Run is one disbursement of a program for one period, over the
// enrolments with sequence numbers below End when it was opened.
type Run struct {
	ID          uint64 `cbor:"1,keyasint" json:"id"`
	Program     string `cbor:"2,keyasint" json:"program"`
	Period      string `cbor:"3,keyasint" json:"period"`
	BudgetLine  string `cbor:"4,keyasint,omitempty" json:"budget_line,omitempty"`
	Ref         string `cbor:"5,keyasint" json:"ref"`
	Amount      uint64 `cbor:"6,keyasint" json:"amount" fmt:"yuan"`
	End         uint64 `cbor:"7,keyasint" json:"end"`
	Cursor      uint64 `cbor:"8,keyasint,omitempty" json:"cursor"`
	Reserved    uint64 `cbor:"9,keyasint,omitempty" json:"reserved" fmt:"yuan"`
	Released    uint64 `cbor:"10,keyasint,omitempty" json:"released" fmt:"yuan"`
	Payments    uint64 `cbor:"11,keyasint,omitempty" json:"payments"`
	Paid        uint64 `cbor:"12,keyasint,omitempty" json:"paid" fmt:"yuan"`
	Ineligible  uint64 `cbor:"13,keyasint,omitempty" json:"ineligible"`
	AlreadyPaid uint64 `cbor:"14,keyasint,omitempty" json:"already_paid"`
	Status      string `cbor:"15,keyasint" json:"status"`
	Result      string `cbor:"16,keyasint,omitempty" json:"result,omitempty"`
	OpenedBy    string `cbor:"17,keyasint" json:"opened_by"`
	Opened      int64  `cbor:"18,keyasint" json:"opened_height"`
	Closed      int64  `cbor:"19,keyasint,omitempty" json:"closed_height,omitempty"`
	Advances    uint64 `cbor:"20,keyasint,omitempty" json:"advances"`
	// LastAdvance is the height of the run's last advance: a run advances
	// at most once a block, so a block's work for it is bounded
	// (MaxPerAdvance enrollees).
	LastAdvance int64 `cbor:"21,keyasint,omitempty" json:"last_advance_height,omitempty"`
}

// Payment is the one payment of a program to a beneficiary for a period:
// its key (program, period, beneficiary) is written once.
type Payment struct {
	Program     string `cbor:"1,keyasint" json:"program"`
	Period      string `cbor:"2,keyasint" json:"period"`
	Beneficiary string `cbor:"3,keyasint" json:"beneficiary"`
	Amount      uint64 `cbor:"4,keyasint" json:"amount" fmt:"yuan"`
	Run         uint64 `cbor:"5,keyasint" json:"run"`
	BudgetLine  string `cbor:"6,keyasint,omitempty" json:"budget_line,omitempty"`
	Ref         string `cbor:"7,keyasint" json:"ref"`
	PayID       string `cbor:"8,keyasint" json:"pay_id"`
	Status      string `cbor:"9,keyasint" json:"status"`
	Attempts    uint32 `cbor:"10,keyasint" json:"attempts"`
	Height      int64  `cbor:"11,keyasint" json:"height"`
	Time        int64  `cbor:"12,keyasint" json:"time_unix" fmt:"unix"`
	FailReason  string `cbor:"13,keyasint,omitempty" json:"fail_reason,omitempty"`
}

// Meta holds counters.
type Meta struct {
	NextRun uint64 `cbor:"1,keyasint,omitempty"`
}

var (
	idRe     = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.-]{0,63}$`)
	kindRe   = regexp.MustCompile(`^[a-z][a-z0-9_.-]{0,31}$`)
	periodRe = regexp.MustCompile(`^[0-9]{4}-(0[1-9]|1[0-2])$`)
	deptRe   = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,31}$`)
)

// PeriodOf is the monthly period containing block time t (UTC).
func PeriodOf(t time.Time) string { return t.UTC().Format("2006-01") }

// PayID is the payment key of (program, period, beneficiary): the id of
// the payment on the budget line too.
func PayID(program, period, beneficiary string) string {
	return "welfare/" + program + "/" + period + "/" + beneficiary
}

// RunRef is what a run's reservation on the budget line is for.
func RunRef(id uint64) string { return "welfare/run/" + strconv.FormatUint(id, 10) }

func checkText(field, s string, max int, required bool) error {
	if (required && s == "") || len(s) > max || !utf8.ValidString(s) {
		return module.ErrInvalidField.Wrapf("%s must be 1 to %d bytes of UTF-8", field, max)
	}
	return nil
}

func checkID(field, s string) error {
	if !idRe.MatchString(s) {
		return module.ErrInvalidField.Wrapf("%s %q: 1-64 of A-Z, a-z, 0-9, '.', '-'", field, s)
	}
	return nil
}

func checkPeriod(p string) error {
	if !periodRe.MatchString(p) {
		return ErrBadPeriod.Wrapf("%q", p)
	}
	return nil
}

func programKey(id string) string              { return "prog/" + id }
func enrolKey(prog, acct string) string        { return "enr/" + prog + "/" + acct }
func seqKey(prog string, seq uint64) string    { return fmt.Sprintf("seq/%s/%020d", prog, seq) }
func citizenEnrolKey(acct, prog string) string { return "cit/" + acct + "/enr/" + prog + "/" + acct }
func attKey(acct, kind, dept string) string    { return "att/" + acct + "/" + kind + "/" + dept }
func historyKey(prog, acct string, seq uint64) string {
	return fmt.Sprintf("hist/%s/%s/%020d", prog, acct, seq)
}
func runKey(id uint64) string                     { return fmt.Sprintf("run/%020d", id) }
func programRunKey(prog string, id uint64) string { return fmt.Sprintf("prun/%s/%020d", prog, id) }
func openRunKey(prog, period string) string       { return "open/" + prog + "/" + period }
func paymentKey(prog, period, acct string) string {
	return "pay/" + prog + "/" + period + "/" + acct
}
func runPaymentKey(run uint64, prog, period, acct string) string {
	return fmt.Sprintf("rpay/%020d/%s/%s/%s", run, prog, period, acct)
}
func citizenPaymentKey(acct, prog, period string) string {
	return "cit/" + acct + "/pay/" + prog + "/" + period + "/" + acct
}

const metaKey = "meta"
