package fiscal

import (
	"github.com/govchain/govchain/app/module"
)

// Message types.
const (
	TypeAppropriate = "fiscal.appropriate"
	TypeAdjust      = "fiscal.adjust"
	TypeCommit      = "fiscal.commit"
	TypeUncommit    = "fiscal.uncommit"
	TypePay         = "fiscal.pay"
	TypeCloseLine   = "fiscal.close_line"
)

// MsgCloseLine closes a line (year end, program ended): no new commitment
// or adjustment; open commitments may still be paid or released.
type MsgCloseLine struct {
	Line   string `cbor:"1,keyasint" json:"line" cli:"arg"`
	Reason string `cbor:"2,keyasint,omitempty" json:"reason" doc:"why (required)"`
}

func (m *MsgCloseLine) Validate() error {
	if err := checkLineID(m.Line); err != nil {
		return err
	}
	if m.Reason == "" {
		return ErrNoReason
	}
	return checkText("reason", m.Reason, 512, true)
}

// MsgAppropriate creates a budget line with its original amount.
type MsgAppropriate struct {
	Line       string `cbor:"1,keyasint" json:"line" cli:"arg" doc:"line id: 1-64 of A-Z a-z 0-9 . _ -"`
	Year       uint32 `cbor:"2,keyasint" json:"year" doc:"fiscal year"`
	Department string `cbor:"3,keyasint" json:"department" doc:"administrative classification: the department that spends from the line"`
	Function   string `cbor:"4,keyasint" json:"function" doc:"支出功能分类 code: 类 (3 digits), 款 (5) or 项 (7), e.g. 2080201"`
	Economic   string `cbor:"5,keyasint" json:"economic" doc:"支出经济分类 code: 5xx (政府预算) or 3xx (部门预算), 3 or 5 digits, e.g. 50901"`
	FundSource string `cbor:"6,keyasint" json:"fund_source" doc:"general, government_fund, state_capital or social_insurance" default:"general"`
	Program    string `cbor:"7,keyasint,omitempty" json:"program,omitempty" doc:"program code (0-64 of A-Z a-z 0-9 . _ -)"`
	Amount     uint64 `cbor:"8,keyasint,omitempty" json:"amount" doc:"original appropriation in fen" fmt:"yuan"`
}

func (m *MsgAppropriate) Validate() error {
	if err := checkLineID(m.Line); err != nil {
		return err
	}
	if m.Year < 2000 || m.Year > 2999 {
		return ErrBadYear
	}
	if !deptRe.MatchString(m.Department) {
		return ErrUnknownDept.Wrapf("%q", m.Department)
	}
	if _, ok := FunctionClassOf(m.Function); !ok {
		return ErrBadFunction.Wrapf("%q", m.Function)
	}
	if _, ok := EconomicClassOf(m.Economic); !ok {
		return ErrBadEconomic.Wrapf("%q", m.Economic)
	}
	if !validFund(m.FundSource) {
		return ErrBadFundSource
	}
	if !programRe.MatchString(m.Program) {
		return module.ErrInvalidField.Wrapf("program must be 0-64 of A-Z a-z 0-9 . _ -")
	}
	if m.Amount == 0 {
		return ErrBadAmount
	}
	return nil
}

func validFund(s string) bool {
	for _, f := range FundSources {
		if f == s {
			return true
		}
	}
	return false
}

// MsgAdjust changes a line's adjusted amount by Delta (negative: a cut),
// with a reason; the original and earlier adjustments stay.
type MsgAdjust struct {
	Line   string `cbor:"1,keyasint" json:"line" cli:"arg"`
	Delta  int64  `cbor:"2,keyasint,omitempty" json:"delta" doc:"change in fen, negative for a cut" fmt:"yuan"`
	Reason string `cbor:"3,keyasint,omitempty" json:"reason" doc:"why (required): the decision or law adjusting the budget"`
}

func (m *MsgAdjust) Validate() error {
	if err := checkLineID(m.Line); err != nil {
		return err
	}
	if m.Delta == 0 {
		return ErrBadAmount.Wrapf("delta must not be 0")
	}
	if m.Reason == "" {
		return ErrNoReason
	}
	return checkText("reason", m.Reason, 512, true)
}

// MsgCommit reserves an amount of a line for ref.
type MsgCommit struct {
	Line    string `cbor:"1,keyasint" json:"line" cli:"arg"`
	Amount  uint64 `cbor:"2,keyasint,omitempty" json:"amount" doc:"fen" fmt:"yuan"`
	Ref     string `cbor:"3,keyasint" json:"ref" doc:"what causes it, e.g. procurement/ocds-gc-1/award or invoice/2026-17"`
	Payee   string `cbor:"4,keyasint,omitempty" json:"payee,omitempty" doc:"organisation identifier (CN-USCC-...) or citizen account address; never a name"`
	Purpose string `cbor:"5,keyasint,omitempty" json:"purpose,omitempty" doc:"purpose"`
	DocHash []byte `cbor:"6,keyasint,omitempty" json:"doc_hash,omitempty" cli:"hex" doc:"SHA-256 of the contract or decision kept off-chain"`
}

func (m *MsgCommit) Validate() error {
	if err := checkLineID(m.Line); err != nil {
		return err
	}
	if m.Amount == 0 {
		return ErrBadAmount
	}
	if err := checkRef(m.Ref); err != nil {
		return err
	}
	if m.Payee != "" {
		if err := CheckPayee(m.Payee); err != nil {
			return err
		}
	}
	if err := checkText("purpose", m.Purpose, 256, false); err != nil {
		return err
	}
	return checkDocHash(m.DocHash)
}

// MsgUncommit returns an unpaid part of ref's commitment to the line.
type MsgUncommit struct {
	Line   string `cbor:"1,keyasint" json:"line" cli:"arg"`
	Amount uint64 `cbor:"2,keyasint,omitempty" json:"amount" doc:"fen" fmt:"yuan"`
	Ref    string `cbor:"3,keyasint" json:"ref"`
}

func (m *MsgUncommit) Validate() error {
	if err := checkLineID(m.Line); err != nil {
		return err
	}
	if m.Amount == 0 {
		return ErrBadAmount
	}
	return checkRef(m.Ref)
}

// MsgPay pays out of ref's commitment on a line.
type MsgPay struct {
	Line    string `cbor:"1,keyasint" json:"line" cli:"arg"`
	Amount  uint64 `cbor:"2,keyasint,omitempty" json:"amount" doc:"fen" fmt:"yuan"`
	Payee   string `cbor:"3,keyasint" json:"payee" doc:"organisation identifier (CN-USCC-...) or citizen account address; never a name"`
	Ref     string `cbor:"4,keyasint" json:"ref" doc:"the commitment's ref"`
	PayID   string `cbor:"5,keyasint" json:"pay_id" doc:"unique payment id (a second payment with it is refused)"`
	Purpose string `cbor:"6,keyasint,omitempty" json:"purpose,omitempty"`
	DocHash []byte `cbor:"7,keyasint,omitempty" json:"doc_hash,omitempty" cli:"hex" doc:"SHA-256 of the invoice or payment order"`
}

func (m *MsgPay) Validate() error {
	if err := checkLineID(m.Line); err != nil {
		return err
	}
	if err := checkPayArgs(m.Amount, m.Payee, m.Ref, m.PayID, m.Purpose); err != nil {
		return err
	}
	return checkDocHash(m.DocHash)
}

func checkPayArgs(amount uint64, payee, ref, payID, purpose string) error {
	if amount == 0 {
		return ErrBadAmount
	}
	if err := CheckPayee(payee); err != nil {
		return err
	}
	if err := checkRef(ref); err != nil {
		return err
	}
	if err := checkPayID(payID); err != nil {
		return err
	}
	return checkText("purpose", purpose, 256, false)
}
