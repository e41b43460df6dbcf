package welfare

import (
	"encoding/json"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/credential"
	"github.com/govchain/govchain/x/credentials"
	"github.com/govchain/govchain/x/identity"
)

// TypePresentCredential meets a program's requirement with a verifiable
// credential instead of an attestation (docs/credentials.md).
const TypePresentCredential = "welfare.present_credential"

// CredentialMaxAge is how much older than the block a presentation's key
// binding may be.
const CredentialMaxAge = 300

// MsgPresentCredential carries an SD-JWT VC presentation (with its
// key-binding JWT) made to the audience "welfare:<program>" with the
// nonce "<program>/<beneficiary address>".
type MsgPresentCredential struct {
	Program      string `cbor:"1,keyasint" json:"program" cli:"arg" doc:"the program whose requirement the credential meets"`
	Presentation string `cbor:"2,keyasint" json:"presentation" doc:"the SD-JWT+KB compact form (govchain credential present, its presentation member)"`
}

func (m *MsgPresentCredential) Validate() error {
	if err := checkID("program", m.Program); err != nil {
		return err
	}
	if _, err := credential.Parse(m.Presentation); err != nil {
		return module.ErrInvalidField.Wrapf("presentation: %v", err)
	}
	return nil
}

// CredentialAudience is the audience a presentation to a program names.
func CredentialAudience(program string) string { return "welfare:" + program }

// CredentialNonce is the nonce a presentation to a program names.
func CredentialNonce(program, beneficiary string) string { return program + "/" + beneficiary }

// presentCredential verifies the presentation against the chain's own
// state (the same checks as the offline verifier) and records the
// attestation the credential stands for: kind = its vct, department = its
// issuer, digest = the digest of its issuer JWT.
func (m *Module) presentCredential(ctx *module.Context, msg *MsgPresentCredential) error {
	p, err := GetProgram(ctx.Store(), msg.Program)
	if err != nil {
		return err
	}
	sd, _ := credential.Parse(msg.Presentation)
	unverified, err := credential.UnverifiedPayload(sd)
	if err != nil {
		return ErrBadCredential.Wrapf("%v", err)
	}
	holder := ""
	if d, err := credential.ParseDID(subjectID(unverified)); err == nil {
		holder = d.Account
	}
	now := ctx.Time.Unix()
	v, err := credential.Verify(msg.Presentation, credentials.Authority(ctx.View(identity.Name), ctx.View(credentials.Name)),
		credential.Expect{ChainID: ctx.ChainID, Audience: CredentialAudience(p.ID), Nonce: CredentialNonce(p.ID, holder), Now: now, MaxAge: CredentialMaxAge})
	if err != nil {
		return ErrBadCredential.Wrapf("%v", err)
	}
	var req *Requirement
	for i := range p.Requirements {
		if p.Requirements[i].Kind == v.Type && p.Requirements[i].Department == v.Issuer {
			req = &p.Requirements[i]
		}
	}
	if req == nil {
		return ErrKindNotRequired.Wrapf("%q from %q by %q", v.Type, v.Issuer, p.ID)
	}
	exp := now + int64(req.ValidityDays)*86400
	if v.ValidUntil != 0 && v.ValidUntil < exp {
		exp = v.ValidUntil
	}
	a := &Attestation{Beneficiary: v.Holder, Kind: v.Type, Department: v.Issuer, Digest: credential.Digest(sd.IssuerJWT),
		By: ctx.Signer.Address, Issued: now, Expires: exp, Height: ctx.Height}
	module.SetRecord(ctx.Store(), attKey(a.Beneficiary, a.Kind, a.Department), a)
	ctx.Emit("welfare.attested", "beneficiary", a.Beneficiary, "kind", a.Kind, "department", a.Department, "by", "credential")
	return nil
}

func subjectID(p *credential.Payload) string {
	var s struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(p.CredentialSubject, &s)
	return s.ID
}
