package welfare

import (
	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/crypto"
)

// Message types.
const (
	TypeCreateProgram = "welfare.create_program"
	TypeEnrol         = "welfare.enrol"
	TypeAttest        = "welfare.attest"
	TypeSetStatus     = "welfare.set_status"
	TypeAppeal        = "welfare.appeal"
	TypeOpenRun       = "welfare.open_run"
	TypeAdvanceRun    = "welfare.advance_run"
	TypeCloseRun      = "welfare.close_run"
	TypePaymentFailed = "welfare.payment_failed"
	TypeRetryPayment  = "welfare.retry_payment"
	TypeRevoke        = "welfare.revoke_attestation"
)

// MsgCreateProgram defines a program of the signer's department.
type MsgCreateProgram struct {
	ID           string        `cbor:"1,keyasint" json:"id" cli:"arg" doc:"program id: 1-64 of A-Z a-z 0-9 . -"`
	Name         string        `cbor:"2,keyasint" json:"name" doc:"program name"`
	BenefitType  string        `cbor:"3,keyasint" json:"benefit_type" doc:"cash, voucher or in_kind" default:"cash"`
	Frequency    string        `cbor:"4,keyasint" json:"frequency" doc:"monthly (periods YYYY-MM of block time, UTC)" default:"monthly"`
	Amount       uint64        `cbor:"5,keyasint,omitempty" json:"amount" doc:"benefit per period in fen" fmt:"yuan"`
	BudgetLine   string        `cbor:"6,keyasint,omitempty" json:"budget_line,omitempty" doc:"the x/fiscal budget line the program draws on"`
	Requirements []Requirement `cbor:"7,keyasint,omitempty" json:"requirements,omitempty" cli:"name=require" doc:"a required attestation: kind, attesting department, validity in days"`
	StartPeriod  string        `cbor:"8,keyasint,omitempty" json:"start_period,omitempty" cli:"name=start" doc:"first period paid, YYYY-MM (default: the current month of block time)"`
}

func (m *MsgCreateProgram) Validate() error {
	if err := checkID("program id", m.ID); err != nil {
		return err
	}
	if err := checkText("name", m.Name, 128, true); err != nil {
		return err
	}
	if !BenefitTypes[m.BenefitType] {
		return module.ErrInvalidField.Wrapf("benefit type %q: cash, voucher or in_kind", m.BenefitType)
	}
	if m.Frequency != FrequencyMonthly {
		return module.ErrInvalidField.Wrapf("frequency %q: monthly", m.Frequency)
	}
	if m.Amount == 0 || m.Amount > MaxAmount {
		return ErrBadAmount
	}
	if m.BudgetLine != "" {
		if err := checkText("budget line", m.BudgetLine, 128, true); err != nil {
			return err
		}
	}
	if m.StartPeriod != "" {
		if err := checkPeriod(m.StartPeriod); err != nil {
			return err
		}
	}
	if len(m.Requirements) > MaxRequirements {
		return ErrBadRequirements
	}
	seen := map[string]bool{}
	for _, r := range m.Requirements {
		if !kindRe.MatchString(r.Kind) || !deptRe.MatchString(r.Department) || seen[r.Kind] ||
			r.ValidityDays == 0 || r.ValidityDays > MaxValidityDays {
			return ErrBadRequirements.Wrapf("%+v", r)
		}
		seen[r.Kind] = true
	}
	return nil
}

// MsgEnrol enrols a beneficiary: the signer themself, or (an officer of
// the program's department) another account.
type MsgEnrol struct {
	Program     string `cbor:"1,keyasint" json:"program" cli:"arg"`
	Beneficiary string `cbor:"2,keyasint,omitempty" json:"beneficiary,omitempty" doc:"account to enrol (default: the signer)"`
}

func (m *MsgEnrol) Validate() error {
	if err := checkID("program", m.Program); err != nil {
		return err
	}
	if m.Beneficiary != "" && !crypto.ValidAddress(m.Beneficiary) {
		return module.ErrInvalidField.Wrapf("beneficiary %q is not an address", m.Beneficiary)
	}
	return nil
}

// MsgAttest records an attestation about a beneficiary, of a kind a
// program requires from the signer's department.
type MsgAttest struct {
	Program     string `cbor:"1,keyasint" json:"program" cli:"arg" doc:"a program requiring this kind (it names the attesting department and validity)"`
	Beneficiary string `cbor:"2,keyasint" json:"beneficiary" doc:"the citizen's account"`
	Kind        string `cbor:"3,keyasint" json:"kind" doc:"attestation kind, e.g. residency, low_income, age"`
	Digest      string `cbor:"4,keyasint" json:"digest" doc:"base64url SHA-256 of the SD-JWT disclosure [salt, kind, value] (the claim stays off chain)"`
	ValidUntil  int64  `cbor:"5,keyasint,omitempty" json:"valid_until_unix,omitempty" cli:"name=valid-until" doc:"unix time the attestation expires (0: now plus the program's validity)" fmt:"unix"`
}

func (m *MsgAttest) Validate() error {
	if err := checkID("program", m.Program); err != nil {
		return err
	}
	if !crypto.ValidAddress(m.Beneficiary) {
		return module.ErrInvalidField.Wrapf("beneficiary %q is not an address", m.Beneficiary)
	}
	if !kindRe.MatchString(m.Kind) {
		return module.ErrInvalidField.Wrapf("kind %q", m.Kind)
	}
	if !validDigest(m.Digest) {
		return ErrBadDigest
	}
	if m.ValidUntil < 0 {
		return ErrAttestationExpiry
	}
	return nil
}

// MsgSetStatus changes an enrolment's status (an officer of the program's
// department): suspend, reinstate (active), graduate, deceased.
type MsgSetStatus struct {
	Program     string `cbor:"1,keyasint" json:"program" cli:"arg"`
	Beneficiary string `cbor:"2,keyasint" json:"beneficiary" cli:"arg"`
	Status      string `cbor:"3,keyasint" json:"status" doc:"active, suspended, graduated or deceased"`
	Reason      string `cbor:"4,keyasint" json:"reason" doc:"grounds (a case reference; no personal data)"`
}

func (m *MsgSetStatus) Validate() error {
	if err := checkID("program", m.Program); err != nil {
		return err
	}
	if !crypto.ValidAddress(m.Beneficiary) {
		return module.ErrInvalidField.Wrapf("beneficiary %q is not an address", m.Beneficiary)
	}
	switch m.Status {
	case StatusActive, StatusSuspended, StatusGraduated, StatusDeceased:
	default:
		return module.ErrInvalidField.Wrapf("status %q", m.Status)
	}
	return checkText("reason", m.Reason, 256, true)
}

// MsgAppeal records the beneficiary's appeal of a suspension.
type MsgAppeal struct {
	Program string `cbor:"1,keyasint" json:"program" cli:"arg"`
	Reason  string `cbor:"2,keyasint" json:"reason" doc:"grounds of the appeal (no personal data)"`
}

func (m *MsgAppeal) Validate() error {
	if err := checkID("program", m.Program); err != nil {
		return err
	}
	return checkText("reason", m.Reason, 256, true)
}

// MsgOpenRun opens the disbursement of a program for a period.
type MsgOpenRun struct {
	Program string `cbor:"1,keyasint" json:"program" cli:"arg"`
	Period  string `cbor:"2,keyasint" json:"period" cli:"arg" doc:"YYYY-MM, not after the current month of block time"`
}

func (m *MsgOpenRun) Validate() error {
	if err := checkID("program", m.Program); err != nil {
		return err
	}
	return checkPeriod(m.Period)
}

// MsgRunRef names a run.
type MsgRunRef struct {
	ID uint64 `cbor:"1,keyasint" json:"id" cli:"arg" doc:"run id"`
}

// MsgPaymentRef names a payment by its key, with a reason.
type MsgPaymentRef struct {
	Program     string `cbor:"1,keyasint" json:"program" cli:"arg"`
	Period      string `cbor:"2,keyasint" json:"period" cli:"arg"`
	Beneficiary string `cbor:"3,keyasint" json:"beneficiary" cli:"arg"`
	Reason      string `cbor:"4,keyasint,omitempty" json:"reason,omitempty" doc:"the bank's reason (payment_failed) or reference of the new transfer (retry_payment)"`
}

func (m *MsgPaymentRef) Validate() error {
	if err := checkID("program", m.Program); err != nil {
		return err
	}
	if err := checkPeriod(m.Period); err != nil {
		return err
	}
	if !crypto.ValidAddress(m.Beneficiary) {
		return module.ErrInvalidField.Wrapf("beneficiary %q is not an address", m.Beneficiary)
	}
	return checkText("reason", m.Reason, 256, false)
}

// MsgRevoke withdraws an attestation of the signer's department (the
// citizen moved, their income rose): it expires now.
type MsgRevoke struct {
	Beneficiary string `cbor:"1,keyasint" json:"beneficiary" cli:"arg"`
	Kind        string `cbor:"2,keyasint" json:"kind" cli:"arg"`
	Reason      string `cbor:"3,keyasint" json:"reason" doc:"grounds (a case reference; no personal data)"`
}

func (m *MsgRevoke) Validate() error {
	if !crypto.ValidAddress(m.Beneficiary) {
		return module.ErrInvalidField.Wrapf("beneficiary %q is not an address", m.Beneficiary)
	}
	if !kindRe.MatchString(m.Kind) {
		return module.ErrInvalidField.Wrapf("kind %q", m.Kind)
	}
	return checkText("reason", m.Reason, 256, true)
}
