package datashare

import (
	"slices"

	"github.com/govchain/govchain/app/module"
)

// Message types.
const (
	TypePublishDataset  = "datashare.publish_dataset"
	TypeRequestAccess   = "datashare.request_access"
	TypeApprove         = "datashare.approve"
	TypeRefuse          = "datashare.refuse"
	TypeRevoke          = "datashare.revoke"
	TypeGiveConsent     = "datashare.give_consent"
	TypeWithdrawConsent = "datashare.withdraw_consent"
	TypeLogAccess       = "datashare.log_access"
)

// MsgPublishDataset publishes a dataset description in the catalogue; the
// signer's department owns it.
type MsgPublishDataset struct {
	ID              string   `cbor:"1,keyasint" json:"id" cli:"arg" doc:"dataset id: 1-64 of a-z 0-9 . -"`
	Name            string   `cbor:"2,keyasint" json:"name" doc:"title of the dataset"`
	SchemaHash      []byte   `cbor:"3,keyasint" json:"schema_hash" cli:"hex" doc:"SHA-256 of the dataset's schema document"`
	LegalBasis      string   `cbor:"4,keyasint" json:"legal_basis" doc:"the law or regulation that allows sharing it"`
	Sensitivity     uint32   `cbor:"5,keyasint" json:"sensitivity" doc:"1 public, 2 internal, 3 confidential, 4 restricted (m of n approvals)" default:"2"`
	RetentionDays   uint32   `cbor:"6,keyasint,omitempty" json:"retention_days" doc:"days a requester may keep what it received"`
	ConsentRequired bool     `cbor:"7,keyasint,omitempty" json:"consent_required" doc:"the law requires each subject citizen's consent"`
	Approvers       []string `cbor:"8,keyasint,omitempty" json:"approvers,omitempty" cli:"name=approver" doc:"restricted only: an approver department (the owner among them)"`
	Threshold       uint32   `cbor:"9,keyasint,omitempty" json:"threshold,omitempty" doc:"restricted only: approvals needed (m of the n approvers)"`
}

func (m *MsgPublishDataset) Validate() error {
	if err := checkDataset(m.ID); err != nil {
		return err
	}
	if err := checkText("name", m.Name, 256, true); err != nil {
		return err
	}
	if len(m.SchemaHash) != 32 {
		return module.ErrInvalidField.Wrapf("schema hash must be 32 bytes")
	}
	if err := checkText("legal basis", m.LegalBasis, 512, true); err != nil {
		return err
	}
	if m.Sensitivity < LevelPublic || m.Sensitivity > LevelRestricted {
		return ErrBadSensitivity
	}
	if m.Sensitivity != LevelRestricted {
		if len(m.Approvers) != 0 || m.Threshold != 0 {
			return ErrBadApprovers.Wrapf("only a restricted dataset lists approvers")
		}
		return nil
	}
	n := len(module.SortedUnique(m.Approvers))
	if n != len(m.Approvers) || n < 2 || n > MaxApprovers || m.Threshold < 2 || int(m.Threshold) > n {
		return ErrBadApprovers
	}
	for _, d := range m.Approvers {
		if !deptPattern.MatchString(d) {
			return module.ErrInvalidField.Wrapf("approver %q is not a department id", d)
		}
	}
	return nil
}

// MsgRequestAccess asks for access to a dataset for a purpose and period,
// on behalf of the signer's department.
type MsgRequestAccess struct {
	Dataset     string `cbor:"1,keyasint" json:"dataset" cli:"arg"`
	Purpose     string `cbor:"2,keyasint" json:"purpose" doc:"purpose code: every access must state it (1-64 of a-z 0-9 . _ -)"`
	PurposeText string `cbor:"3,keyasint,omitempty" json:"purpose_text,omitempty" doc:"the purpose in words, with its legal ground"`
	From        int64  `cbor:"4,keyasint" json:"from_unix" cli:"name=start" doc:"unix time the access period starts" fmt:"unix"`
	Until       int64  `cbor:"5,keyasint" json:"until_unix" cli:"name=until" doc:"unix time it ends (at most 366 days later)" fmt:"unix"`
}

func (m *MsgRequestAccess) Validate() error {
	if err := checkDataset(m.Dataset); err != nil {
		return err
	}
	if err := checkPurpose(m.Purpose); err != nil {
		return err
	}
	if err := checkText("purpose text", m.PurposeText, 512, false); err != nil {
		return err
	}
	if m.From <= 0 || m.Until <= m.From || m.Until-m.From > MaxPeriod {
		return ErrBadPeriod
	}
	return nil
}

// MsgDecision approves or refuses a request, or revokes a grant.
type MsgDecision struct {
	Request uint64 `cbor:"1,keyasint" json:"request" cli:"arg" doc:"request id"`
	Reason  string `cbor:"2,keyasint,omitempty" json:"reason,omitempty" doc:"grounds of the decision"`
}

func (m *MsgDecision) Validate() error { return checkText("reason", m.Reason, 256, false) }

// MsgConsent gives or withdraws the signer's consent to a grant.
type MsgConsent struct {
	Grant uint64 `cbor:"1,keyasint" json:"grant" cli:"arg" doc:"request (grant) id"`
}

// MsgLogAccess records an access the signer's data service served: the
// requester's signed request and the hash of the answer.
type MsgLogAccess struct {
	Request      []byte `cbor:"1,keyasint" json:"request" cli:"hex" doc:"the AccessRequest's canonical CBOR"`
	Algorithm    string `cbor:"2,keyasint" json:"algorithm" doc:"the requester's signature algorithm"`
	Signature    []byte `cbor:"3,keyasint" json:"signature" cli:"hex" doc:"the requester's signature of the request"`
	ResponseHash []byte `cbor:"4,keyasint" json:"response_hash" cli:"hex" doc:"SHA-256 of what was returned"`
}

func (m *MsgLogAccess) Validate() error {
	if len(m.ResponseHash) != 32 {
		return module.ErrInvalidField.Wrapf("response hash must be 32 bytes")
	}
	if len(m.Signature) == 0 || len(m.Signature) > 256 || m.Algorithm == "" || len(m.Algorithm) > 16 {
		return module.ErrInvalidField.Wrapf("signature and algorithm")
	}
	_, err := DecodeRequest(m.Request)
	return err
}

func sortedInsert(ss []string, s string) []string {
	out := append(slices.Clone(ss), s)
	slices.Sort(out)
	return out
}
