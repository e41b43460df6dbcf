// Package identity is the identity and authority module: departments,
// accounts and roles, key rotation, and consortium proposals that take
// effect when m of n departments approve (including validator changes).
//
// It is a pure state machine over module.Context. It must not import api,
// node, net/http, CometBFT's node packages or read the wall clock.
package identity

import (
	"encoding/hex"
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/crypto"
)

// Module is the identity module. It also keeps the chain's accounts for
// the application (module.Accounts).
type Module struct{}

// New returns the module.
func New() *Module { return &Module{} }

var (
	_ module.Module   = (*Module)(nil)
	_ module.Accounts = (*Module)(nil)
)

func (m *Module) Name() string { return Name }

// Roles are the roles this module defines.
func (m *Module) Roles() []module.Role {
	return []module.Role{
		{Name: RoleAdmin, Doc: "runs a department: its accounts and their roles; approves consortium proposals (granted only by proposal)"},
		// Every department registers the citizens it serves (taxpayers,
		// owners, voters, beneficiaries); a citizen account holds no role,
		// and a department's admin registers citizens anyway.
		{Name: RoleRegistrar, Doc: "registers citizen accounts", Grantors: []string{module.AnyDepartment}},
		// Auditors are designated by the fiscal supervisor: the Ministry of
		// Finance (财政监督) in the dev consortium; a chain with an audit
		// office lists it in genesis or by proposal.
		{Name: RoleAuditor, Doc: "an official who audits; reads are open to everyone, the role marks who audits", Grantors: []string{"mof"}},
	}
}

// Routes declares each message with the roles it needs.
func (m *Module) Routes() []module.Route {
	return []module.Route{
		module.NewRoute(TypeCreateAccount, []string{RoleAdmin, RoleRegistrar}, "Register an account in the signer's department: an official with roles (admins) or a citizen", m.createAccount),
		module.NewRoute(TypeGrantRole, []string{RoleAdmin}, "Grant a role to an account of the signer's department", m.grantRole),
		module.NewRoute(TypeRevokeRole, []string{RoleAdmin}, "Revoke a role from an account of the signer's department", m.revokeRole),
		module.NewRoute(TypeRotateKey, nil, "Replace an account's key (one's own, or an admin for a non-admin account of the department); the address stays", m.rotateKey),
		module.NewRoute(TypeDisableAccount, []string{RoleAdmin}, "Stop a non-admin account of the signer's department from signing", m.disableAccount),
		module.NewRoute(TypePropose, []string{RoleAdmin}, "Open a consortium proposal; the proposer's department is its first approval", m.propose),
		module.NewRoute(TypeApprove, []string{RoleAdmin}, "Approve a proposal for the signer's department; the m-th approval executes it", m.approve),
		module.NewRoute(TypeAddIssuerKey, []string{RoleAdmin}, "Add a credential issuer key to the signer's department (in force from this block)", m.addIssuerKey),
		module.NewRoute(TypeRetireIssuerKey, []string{RoleAdmin}, "Retire an issuer key of the signer's department: it signs no credential issued from this block on", m.retireIssuerKey),
	}
}

// LookupAccount implements module.Accounts. The signer's roles are those
// of its roles its department is entitled to grant now: a role whose
// grantor list no longer names the department is dormant (kept in the
// record, effective again if the department is listed again).
func (m *Module) LookupAccount(r module.Reader, addr string) (*module.Account, error) {
	var a Account
	ok, err := module.GetRecord(r, accountKey(addr), &a)
	if err != nil || !ok {
		return nil, err
	}
	roles, err := effectiveRoles(r, &a)
	if err != nil {
		return nil, err
	}
	return &module.Account{
		Signer:    module.Signer{Address: a.Address, Department: a.Department, Roles: roles, Citizen: a.Citizen},
		Algorithm: a.Algorithm, PublicKey: a.PublicKey, Sequence: a.Sequence, Disabled: a.Disabled, Record: &a,
	}, nil
}

// effectiveRoles lists the roles of a that take effect: department.admin,
// and every other role its department is entitled to grant.
func effectiveRoles(r module.Reader, a *Account) ([]string, error) {
	var out []string
	for i, role := range a.Roles {
		ok := role == RoleAdmin
		if !ok {
			var err error
			if ok, err = Entitled(r, a.Department, role); err != nil {
				return nil, err
			}
		}
		switch {
		case ok && out != nil:
			out = append(out, role)
		case !ok && out == nil:
			out = append(make([]string, 0, len(a.Roles)), a.Roles[:i]...)
		}
	}
	if out == nil {
		return a.Roles, nil
	}
	return out, nil
}

// BumpSequence implements module.Accounts.
func (m *Module) BumpSequence(kv module.KV, acct *module.Account) {
	a := acct.Record.(*Account)
	a.Sequence++
	acct.Sequence = a.Sequence
	SetAccount(kv, a)
}

// State keys, relative to "identity/".
func accountKey(addr string) string      { return "acct/" + addr }
func deptKey(id string) string           { return "dept/" + id }
func memberKey(dept, addr string) string { return "member/" + dept + "/" + addr }
func valKey(pub []byte) string           { return "valkey/" + hex.EncodeToString(pub) }
func grantorsKey(role string) string     { return "grantors/" + role }

const (
	paramsKey = "params"
	metaKey   = "meta"
)

// GetAccount reads an account (kv rooted at "identity/").
func GetAccount(kv module.Reader, addr string) (*Account, error) {
	return module.Load[Account](kv, accountKey(addr), ErrUnknownAccount, addr)
}

// SetAccount writes an account.
func SetAccount(kv module.KV, a *Account) { module.SetRecord(kv, accountKey(a.Address), a) }

// GetDepartment reads a department.
func GetDepartment(kv module.Reader, id string) (*Department, error) {
	return module.Load[Department](kv, deptKey(id), ErrUnknownDepartment, strconv.Quote(id))
}

// GetParams reads the governance parameters.
func GetParams(kv module.Reader) (*Params, error) {
	var p Params
	if _, err := module.GetRecord(kv, paramsKey, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// GetMeta reads the counters.
func GetMeta(kv module.Reader) (*Meta, error) {
	var m Meta
	if _, err := module.GetRecord(kv, metaKey, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// GetRoleGrantors reads the departments entitled to grant role; a role
// without a list (department.admin, or a role unknown at genesis) has no
// grantor.
func GetRoleGrantors(kv module.Reader, role string) (*RoleGrantors, error) {
	g := &RoleGrantors{Role: role}
	if _, err := module.GetRecord(kv, grantorsKey(role), g); err != nil {
		return nil, err
	}
	return g, nil
}

// Entitled reports whether department dept may grant role to its
// officials.
func Entitled(kv module.Reader, dept, role string) (bool, error) {
	g, err := GetRoleGrantors(kv, role)
	if err != nil {
		return false, err
	}
	return g.Entitles(dept), nil
}

// checkGrantable refuses a role the signer's department may not grant.
func checkGrantable(kv module.Reader, dept, role string) error {
	g, err := GetRoleGrantors(kv, role)
	if err != nil {
		return err
	}
	if !g.Entitles(dept) {
		if len(g.Departments) == 0 {
			return ErrRoleNotGrantable.Wrapf("no department may grant %s until a set_role_grantors proposal lists one", role)
		}
		return ErrRoleNotGrantable.Wrapf("%q may not grant %s (its grantors: %v)", dept, role, g.Departments)
	}
	return nil
}

// GetProposal reads a proposal.
func GetProposal(kv module.Reader, id uint64) (*Proposal, error) {
	return module.Load[Proposal](kv, proposalKey(id), ErrUnknownProposal, strconv.FormatUint(id, 10))
}

// signerAccount loads the signer and its department; both must be active.
func signerDept(ctx *module.Context) (*Department, error) {
	d, err := GetDepartment(ctx.Store(), ctx.Signer.Department)
	if err != nil {
		return nil, err
	}
	if d.Removed {
		return nil, ErrDepartmentInactive.Wrapf("%q", d.ID)
	}
	return d, nil
}

// member loads an account of the signer's department.
func member(ctx *module.Context, addr string) (*Account, error) {
	a, err := GetAccount(ctx.Store(), addr)
	if err != nil {
		return nil, err
	}
	if a.Department != ctx.Signer.Department {
		return nil, ErrOtherDepartment.Wrapf("%s is in %q", addr, a.Department)
	}
	return a, nil
}

func addAccount(kv module.KV, a *Account) error {
	if _, ok := kv.Get([]byte(accountKey(a.Address))); ok {
		return ErrAccountExists.Wrapf("%s", a.Address)
	}
	SetAccount(kv, a)
	kv.Set([]byte(memberKey(a.Department, a.Address)), []byte{})
	return nil
}

func (m *Module) createAccount(ctx *module.Context, msg *MsgCreateAccount) error {
	if _, err := signerDept(ctx); err != nil {
		return err
	}
	if !ctx.Signer.HasRole(RoleAdmin) && !msg.Citizen {
		return ErrNotAllowed.Wrapf("a registrar creates citizen accounts only")
	}
	roles := module.SortedUnique(msg.Roles)
	for _, r := range roles {
		if r == RoleAdmin {
			return ErrAdminRole
		}
		if !ctx.RoleDefined(r) {
			return ErrUnknownRole.Wrapf("%q", r)
		}
		if err := checkGrantable(ctx.Store(), ctx.Signer.Department, r); err != nil {
			return err
		}
	}
	a := &Account{
		Address: crypto.Address(msg.Algorithm, msg.PublicKey), Algorithm: msg.Algorithm,
		PublicKey: msg.PublicKey, Department: ctx.Signer.Department, Roles: roles,
		Citizen: msg.Citizen, Created: ctx.Height,
	}
	if len(a.Roles) == 0 {
		a.Roles = nil
	}
	if err := addAccount(ctx.Store(), a); err != nil {
		return err
	}
	ctx.Emit("identity.account_created", "address", a.Address, "department", a.Department, "citizen", strconv.FormatBool(a.Citizen))
	return nil
}

func (m *Module) grantRole(ctx *module.Context, msg *MsgRole) error {
	if msg.Role == RoleAdmin {
		return ErrAdminRole
	}
	if !ctx.RoleDefined(msg.Role) {
		return ErrUnknownRole.Wrapf("%q", msg.Role)
	}
	if _, err := signerDept(ctx); err != nil {
		return err
	}
	a, err := member(ctx, msg.Account)
	if err != nil {
		return err
	}
	if a.Citizen {
		return ErrCitizenRoles
	}
	if hasRole(a.Roles, msg.Role) {
		return ErrRoleHeld.Wrapf("%s holds %s", a.Address, msg.Role)
	}
	if err := checkGrantable(ctx.Store(), ctx.Signer.Department, msg.Role); err != nil {
		return err
	}
	a.Roles = module.SortedUnique(append(a.Roles, msg.Role))
	SetAccount(ctx.Store(), a)
	ctx.Emit("identity.role_granted", "address", a.Address, "role", msg.Role)
	return nil
}

func (m *Module) revokeRole(ctx *module.Context, msg *MsgRole) error {
	if msg.Role == RoleAdmin {
		return ErrAdminRole
	}
	a, err := member(ctx, msg.Account)
	if err != nil {
		return err
	}
	if !hasRole(a.Roles, msg.Role) {
		return ErrRoleNotHeld.Wrapf("%s does not hold %s", a.Address, msg.Role)
	}
	a.Roles = removeRole(a.Roles, msg.Role)
	SetAccount(ctx.Store(), a)
	ctx.Emit("identity.role_revoked", "address", a.Address, "role", msg.Role)
	return nil
}

func (m *Module) rotateKey(ctx *module.Context, msg *MsgRotateKey) error {
	target := msg.Account
	if target == "" || target == ctx.Signer.Address {
		target = ctx.Signer.Address
	} else if !ctx.Signer.HasRole(RoleAdmin) {
		return ErrNotAllowed.Wrapf("only a department admin rotates another account's key")
	}
	var a *Account
	var err error
	if target == ctx.Signer.Address {
		a, err = GetAccount(ctx.Store(), target)
	} else {
		a, err = member(ctx, target)
		if err == nil && hasRole(a.Roles, RoleAdmin) {
			// A fellow admin's key would let the signer act, and approve
			// proposals, in that admin's name.
			return ErrAdminByProposal.Wrapf("%s is an admin: it rotates its own key, or a rotate_admin_key proposal replaces it", a.Address)
		}
	}
	if err != nil {
		return err
	}
	a.Algorithm, a.PublicKey = msg.Algorithm, msg.PublicKey
	SetAccount(ctx.Store(), a)
	ctx.Emit("identity.key_rotated", "address", a.Address)
	return nil
}

func (m *Module) disableAccount(ctx *module.Context, msg *MsgDisableAccount) error {
	a, err := member(ctx, msg.Account)
	if err != nil {
		return err
	}
	if a.Disabled {
		return ErrAccountDisabled.Wrapf("%s", a.Address)
	}
	if hasRole(a.Roles, RoleAdmin) {
		return ErrAdminByProposal.Wrapf("%s is an admin: a revoke_admin proposal comes first", a.Address)
	}
	a.Disabled = true
	SetAccount(ctx.Store(), a)
	ctx.Emit("identity.account_disabled", "address", a.Address)
	return nil
}

func (m *Module) propose(ctx *module.Context, msg *MsgPropose) error {
	if _, err := signerDept(ctx); err != nil {
		return err
	}
	if err := checkAtProposal(ctx, &msg.Action); err != nil {
		return err
	}
	kv := ctx.Store()
	meta, err := GetMeta(kv)
	if err != nil {
		return err
	}
	params, err := GetParams(kv)
	if err != nil {
		return err
	}
	meta.NextProposal++
	p := &Proposal{
		ID: meta.NextProposal, Proposer: ctx.Signer.Address, Action: msg.Action,
		Approvals: []string{ctx.Signer.Department}, Status: StatusOpen,
		Created: ctx.Height, Expires: ctx.Height + params.ProposalTTL,
	}
	module.SetRecord(kv, metaKey, meta)
	ctx.Emit("identity.proposal_opened", "id", strconv.FormatUint(p.ID, 10), "kind", p.Action.Kind)
	return m.maybeExecute(ctx, p, params)
}

func (m *Module) approve(ctx *module.Context, msg *MsgApprove) error {
	if _, err := signerDept(ctx); err != nil {
		return err
	}
	kv := ctx.Store()
	p, err := GetProposal(kv, msg.ID)
	if err != nil {
		return err
	}
	if p.Status != StatusOpen {
		return ErrProposalClosed.Wrapf("proposal %d is %s", p.ID, p.Status)
	}
	if ctx.Height > p.Expires {
		return ErrProposalClosed.Wrapf("proposal %d expired at height %d", p.ID, p.Expires)
	}
	if hasRole(p.Approvals, ctx.Signer.Department) {
		return ErrAlreadyApproved.Wrapf("%q", ctx.Signer.Department)
	}
	p.Approvals = module.SortedUnique(append(p.Approvals, ctx.Signer.Department))
	params, err := GetParams(kv)
	if err != nil {
		return err
	}
	ctx.Emit("identity.proposal_approved", "id", strconv.FormatUint(p.ID, 10), "department", ctx.Signer.Department)
	return m.maybeExecute(ctx, p, params)
}

// maybeExecute stores the proposal and runs its action once it has m
// approvals from departments that are still active. A failing action closes
// the proposal as failed; the approving transaction itself succeeds.
func (m *Module) maybeExecute(ctx *module.Context, p *Proposal, params *Params) error {
	kv := ctx.Store()
	active := p.Approvals[:0:0]
	for _, d := range p.Approvals {
		if dept, err := GetDepartment(kv, d); err == nil && !dept.Removed {
			active = append(active, d)
		}
	}
	if uint32(len(active)) >= params.Threshold {
		if err := ctx.Atomic(func() error { return m.execute(ctx, &p.Action) }); err != nil {
			p.Status, p.Result = StatusFailed, err.Error()
		} else {
			p.Status, p.Result = StatusExecuted, "ok"
		}
		p.ExecutedAt = ctx.Height
		ctx.Emit("identity.proposal_closed", "id", strconv.FormatUint(p.ID, 10), "status", p.Status, "result", p.Result)
	}
	module.SetRecord(kv, proposalKey(p.ID), p)
	return nil
}

// checkAtProposal runs the checks of an action that state can answer
// when it is proposed, so that a proposal bound to fail is refused at
// once; execution checks them again (state may change in between).
func checkAtProposal(ctx *module.Context, a *Action) error {
	kv := ctx.Store()
	switch a.Kind {
	case KindAddDepartment:
		return checkPossession(ctx, a, 0)
	case KindSetValidator:
		nonce := uint64(0)
		if d, err := GetDepartment(kv, a.Department); err == nil {
			nonce = d.ValidatorNonce
		}
		return checkPossession(ctx, a, nonce)
	case KindSetRoleGrantors:
		return checkGrantors(ctx, a)
	case KindAuthorizeIssuer, KindDeauthorizeIssuer:
		return checkIssuerAction(ctx, a)
	}
	return nil
}

// checkGrantors: the role is one the chain's modules define, and every
// department listed is active.
func checkGrantors(ctx *module.Context, a *Action) error {
	if !ctx.RoleDefined(a.Role) {
		return ErrUnknownRole.Wrapf("%q", a.Role)
	}
	for _, id := range a.Departments {
		if id == module.AnyDepartment {
			continue
		}
		d, err := GetDepartment(ctx.Store(), id)
		if err != nil {
			return err
		}
		if d.Removed {
			return ErrDepartmentInactive.Wrapf("%q", d.ID)
		}
	}
	return nil
}

func (m *Module) execute(ctx *module.Context, a *Action) error {
	kv := ctx.Store()
	meta, err := GetMeta(kv)
	if err != nil {
		return err
	}
	params, err := GetParams(kv)
	if err != nil {
		return err
	}
	switch a.Kind {
	case KindAddDepartment:
		if _, ok := kv.Get([]byte(deptKey(a.Department))); ok {
			return ErrDepartmentExists.Wrapf("%q", a.Department)
		}
		d := &Department{ID: a.Department, Name: a.Name, Created: ctx.Height, Admins: 1}
		admin := &Account{Address: crypto.Address(a.Algorithm, a.PublicKey), Algorithm: a.Algorithm, PublicKey: a.PublicKey,
			Department: a.Department, Roles: []string{RoleAdmin}, Created: ctx.Height}
		if err := addAccount(kv, admin); err != nil {
			return err
		}
		if a.ValidatorKey != nil {
			if err := checkPossession(ctx, a, d.ValidatorNonce); err != nil {
				return err
			}
			if err := setValidator(ctx, meta, d, a.ValidatorKey, a.Power); err != nil {
				return err
			}
		}
		meta.Departments++
		module.SetRecord(kv, deptKey(d.ID), d)
		ctx.Emit("identity.department_added", "id", d.ID, "admin", admin.Address)
	case KindRemoveDepartment:
		d, err := GetDepartment(kv, a.Department)
		if err != nil {
			return err
		}
		if d.Removed {
			return ErrDepartmentInactive.Wrapf("%q", d.ID)
		}
		if meta.Departments-1 < params.Threshold {
			return ErrBadThreshold.Wrapf("removing %q would leave %d departments for a threshold of %d", d.ID, meta.Departments-1, params.Threshold)
		}
		if d.Validator != nil {
			if err := setValidator(ctx, meta, d, d.Validator.PublicKey, 0); err != nil {
				return err
			}
		}
		d.Removed = true
		meta.Departments--
		module.SetRecord(kv, deptKey(d.ID), d)
		if err := dropGrantor(ctx, d.ID); err != nil {
			return err
		}
		ctx.Emit("identity.department_removed", "id", d.ID)
	case KindSetValidator:
		d, err := GetDepartment(kv, a.Department)
		if err != nil {
			return err
		}
		if d.Removed {
			return ErrDepartmentInactive.Wrapf("%q", d.ID)
		}
		if err := checkPossession(ctx, a, d.ValidatorNonce); err != nil {
			return err
		}
		if err := setValidator(ctx, meta, d, a.ValidatorKey, a.Power); err != nil {
			return err
		}
		module.SetRecord(kv, deptKey(d.ID), d)
	case KindGrantAdmin, KindRevokeAdmin, KindRotateAdminKey:
		if err := changeAdmin(ctx, a); err != nil {
			return err
		}
	case KindSetThreshold:
		if a.Threshold > meta.Departments {
			return ErrBadThreshold.Wrapf("%d of %d departments", a.Threshold, meta.Departments)
		}
		params.Threshold = a.Threshold
		module.SetRecord(kv, paramsKey, params)
	case KindSetRoleGrantors:
		if err := checkGrantors(ctx, a); err != nil {
			return err
		}
		g := &RoleGrantors{Role: a.Role, Departments: a.Departments, Updated: ctx.Height}
		if len(g.Departments) == 0 {
			g.Departments = nil
		}
		module.SetRecord(kv, grantorsKey(a.Role), g)
		ctx.Emit("identity.role_grantors_set", "role", a.Role, "departments", strings.Join(a.Departments, ","))
	case KindAuthorizeIssuer, KindDeauthorizeIssuer:
		if err := executeIssuer(ctx, a); err != nil {
			return err
		}
	}
	module.SetRecord(kv, metaKey, meta)
	return nil
}

// changeAdmin executes grant_admin, revoke_admin and rotate_admin_key: the
// consortium's hold on who runs a department, which the department's own
// admins cannot change for one another. A department keeps at least one
// admin.
func changeAdmin(ctx *module.Context, a *Action) error {
	kv := ctx.Store()
	acct, err := GetAccount(kv, a.Account)
	if err != nil {
		return err
	}
	if acct.Department != a.Department {
		return ErrOtherDepartment.Wrapf("%s is in %q", acct.Address, acct.Department)
	}
	d, err := GetDepartment(kv, a.Department)
	if err != nil {
		return err
	}
	if d.Removed {
		return ErrDepartmentInactive.Wrapf("%q", d.ID)
	}
	if acct.Citizen {
		return ErrCitizenRoles
	}
	admin := hasRole(acct.Roles, RoleAdmin)
	switch a.Kind {
	case KindGrantAdmin:
		if admin {
			return ErrRoleHeld.Wrapf("%s", acct.Address)
		}
		if acct.Disabled {
			return ErrAccountDisabled.Wrapf("%s", acct.Address)
		}
		if acct.Algorithm != a.Algorithm || string(acct.PublicKey) != string(a.PublicKey) {
			return ErrKeyChanged.Wrapf("%s", acct.Address)
		}
		acct.Roles = module.SortedUnique(append(acct.Roles, RoleAdmin))
		d.Admins++
		ctx.Emit("identity.admin_granted", "address", acct.Address, "department", d.ID)
	case KindRevokeAdmin:
		if !admin {
			return ErrRoleNotHeld.Wrapf("%s", acct.Address)
		}
		if d.Admins <= 1 {
			return ErrLastAdmin.Wrapf("%s is the last admin of %q: grant another first", acct.Address, d.ID)
		}
		acct.Roles = removeRole(acct.Roles, RoleAdmin)
		d.Admins--
		ctx.Emit("identity.admin_revoked", "address", acct.Address, "department", d.ID)
	case KindRotateAdminKey:
		if !admin {
			return ErrRoleNotHeld.Wrapf("%s is not an admin of %q (its admins rotate its key)", acct.Address, d.ID)
		}
		acct.Algorithm, acct.PublicKey = a.Algorithm, a.PublicKey
		ctx.Emit("identity.key_rotated", "address", acct.Address)
	}
	SetAccount(kv, acct)
	module.SetRecord(kv, deptKey(d.ID), d)
	return nil
}

// dropGrantor takes a removed department off every grantor list, so that
// its officials' roles stop taking effect (LookupAccount).
func dropGrantor(ctx *module.Context, dept string) error {
	kv := ctx.Store()
	for _, r := range ctx.DefinedRoles() {
		g, err := GetRoleGrantors(kv, r.Name)
		if err != nil {
			return err
		}
		if !hasRole(g.Departments, dept) {
			continue
		}
		g.Departments = removeRole(g.Departments, dept)
		g.Updated = ctx.Height
		module.SetRecord(kv, grantorsKey(r.Name), g)
	}
	return nil
}

// setValidator gives department d the validator key pub with power (0
// removes it), replacing any key d had, and asks consensus for the change.
func setValidator(ctx *module.Context, meta *Meta, d *Department, pub []byte, power int64) error {
	kv := ctx.Store()
	if owner, ok := kv.Get([]byte(valKey(pub))); ok && string(owner) != d.ID {
		return ErrValidatorInUse.Wrapf("owned by %q", owner)
	}
	// Removing a key that is not the department's validator would hand
	// CometBFT an update it refuses on every node, halting the chain.
	if power == 0 && (d.Validator == nil || string(d.Validator.PublicKey) != string(pub)) {
		return ErrBadProposal.Wrapf("power 0 removes the department's current validator; %q has no validator with this key", d.ID)
	}
	total := meta.TotalPower + power
	if d.Validator != nil {
		total -= d.Validator.Power
	}
	if total <= 0 {
		return ErrLastValidator
	}
	unproven, err := capUnproven(ctx, meta, d, pub, power, total)
	if err != nil {
		return err
	}
	if d.Validator != nil && string(d.Validator.PublicKey) != string(pub) {
		ctx.UpdateValidator(d.Validator.PublicKey, 0)
		kv.Delete([]byte(valKey(d.Validator.PublicKey)))
	}
	meta.TotalPower, meta.Unproven = total, unproven
	if power == 0 {
		d.Validator = nil
		kv.Delete([]byte(valKey(pub)))
	} else {
		d.Validator = &Validator{PublicKey: pub, Power: power}
		kv.Set([]byte(valKey(pub)), []byte(d.ID))
	}
	d.ValidatorNonce++
	ctx.UpdateValidator(pub, power)
	ctx.Emit("identity.validator_set", "department", d.ID, "public_key", hex.EncodeToString(pub), "power", strconv.FormatInt(power, 10))
	return nil
}

// capUnproven keeps less than a third of the voting power on keys that
// have not signed a block: a proof of possession shows that a key is held,
// not that a node runs it, and more than a third of the power on keys no
// node runs halts the chain. It returns the keys still unproven after
// department d's validator becomes pub with power (of total).
func capUnproven(ctx *module.Context, meta *Meta, d *Department, pub []byte, power, total int64) ([][]byte, error) {
	if ctx.Height == 0 {
		return nil, nil // genesis validators start the chain: proven
	}
	kv := ctx.Store()
	var keys [][]byte
	var unproven int64
	for _, k := range meta.Unproven {
		if string(k) == string(pub) || ctx.HasSigned(k) {
			continue
		}
		owner, ok := kv.Get([]byte(valKey(k)))
		if !ok || string(owner) == d.ID { // no longer a validator, or being replaced
			continue
		}
		od, err := GetDepartment(kv, string(owner))
		if err != nil {
			return nil, err
		}
		if od.Validator == nil || string(od.Validator.PublicKey) != string(k) {
			continue
		}
		keys = append(keys, k)
		unproven += od.Validator.Power
	}
	if power > 0 && !ctx.HasSigned(pub) {
		// A key that keeps its power and was not on the list is a genesis
		// validator or one that has signed: it stays proven.
		fresh := d.Validator == nil || string(d.Validator.PublicKey) != string(pub)
		for _, k := range meta.Unproven {
			if string(k) == string(pub) {
				fresh = true
			}
		}
		if fresh {
			keys = append(keys, pub)
			unproven += power
		}
	}
	if unproven > 0 && 3*unproven >= total {
		return nil, ErrUnprovenPower.Wrapf("%d of %d would be unproven", unproven, total)
	}
	return keys, nil
}

func hasRole(roles []string, r string) bool {
	i := sort.SearchStrings(roles, r)
	return i < len(roles) && roles[i] == r
}

func removeRole(roles []string, r string) []string {
	out := roles[:0:0]
	for _, x := range roles {
		if x != r {
			out = append(out, x)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// Genesis is the identity section of the chain's app_state.
type Genesis struct {
	Threshold   uint32              `json:"threshold"`
	ProposalTTL int64               `json:"proposal_ttl_blocks,omitempty"`
	Departments []GenesisDepartment `json:"departments"`
	Accounts    []GenesisAccount    `json:"accounts,omitempty"`
	// RoleGrantors lists, by role, the departments entitled to grant it
	// (module.AnyDepartment alone: every department; an empty list: none
	// until a proposal). A role not listed gets its module's declared
	// defaults, less the departments this genesis does not found.
	RoleGrantors map[string][]string `json:"role_grantors,omitempty"`
}

// GenesisDepartment is a founding department with its admins and validator.
type GenesisDepartment struct {
	ID        string           `json:"id"`
	Name      string           `json:"name"`
	Admins    []GenesisAccount `json:"admins"`
	Validator *Validator       `json:"validator,omitempty"`
}

// GenesisAccount is an account created at genesis.
type GenesisAccount struct {
	Algorithm  string   `json:"algorithm"`
	PublicKey  []byte   `json:"public_key"`
	Department string   `json:"department,omitempty"`
	Roles      []string `json:"roles,omitempty"`
	Citizen    bool     `json:"citizen,omitempty"`
}

// DefaultProposalTTL is how long proposals stay open unless genesis says
// otherwise: about a week at one block per second.
const DefaultProposalTTL = 7 * 24 * 3600

// InitGenesis writes the founding consortium. Genesis validators need no
// proof of possession: CometBFT's genesis names them, and the chain's
// first blocks need their signatures.
func (m *Module) InitGenesis(ctx *module.Context, raw []byte) error {
	var g Genesis
	if raw == nil {
		return ErrBadGenesis.Wrapf("no identity section")
	}
	if err := json.Unmarshal(raw, &g); err != nil {
		return ErrBadGenesis.Wrapf("%v", err)
	}
	if g.ProposalTTL == 0 {
		g.ProposalTTL = DefaultProposalTTL
	}
	n := uint32(len(g.Departments))
	if g.Threshold == 0 || g.Threshold > n {
		return ErrBadThreshold.Wrapf("%d of %d departments", g.Threshold, n)
	}
	kv := ctx.Store()
	meta := &Meta{}
	var depts []*Department
	for _, gd := range g.Departments {
		if !ValidDepartmentID(gd.ID) {
			return ErrBadGenesis.Wrapf("department id %q", gd.ID)
		}
		if _, ok := kv.Get([]byte(deptKey(gd.ID))); ok {
			return ErrDepartmentExists.Wrapf("%q", gd.ID)
		}
		d := &Department{ID: gd.ID, Name: gd.Name}
		if gd.Validator != nil {
			if err := checkValidatorKey(gd.Validator.PublicKey); err != nil {
				return err
			}
			if err := setValidator(ctx, meta, d, gd.Validator.PublicKey, gd.Validator.Power); err != nil {
				return err
			}
		}
		module.SetRecord(kv, deptKey(d.ID), d)
		depts = append(depts, d)
		meta.Departments++
		if len(gd.Admins) == 0 {
			return ErrBadGenesis.Wrapf("department %q has no admin", gd.ID)
		}
		for _, ga := range gd.Admins {
			ga.Department, ga.Roles = gd.ID, append(ga.Roles, RoleAdmin)
			g.Accounts = append(g.Accounts, ga)
		}
	}
	if meta.TotalPower <= 0 {
		return ErrBadGenesis.Wrapf("no department has a validator")
	}
	if err := initGrantors(ctx, g.RoleGrantors); err != nil {
		return err
	}
	for _, ga := range g.Accounts {
		if err := checkKey(ga.Algorithm, ga.PublicKey); err != nil {
			return err
		}
		if _, err := GetDepartment(kv, ga.Department); err != nil {
			return err
		}
		roles := module.SortedUnique(ga.Roles)
		if ga.Citizen && len(roles) > 0 {
			return ErrCitizenRoles
		}
		for _, r := range roles {
			if !ctx.RoleDefined(r) {
				return ErrUnknownRole.Wrapf("%q", r)
			}
			if r == RoleAdmin {
				continue
			}
			if err := checkGrantable(kv, ga.Department, r); err != nil {
				return err
			}
		}
		if len(roles) == 0 {
			roles = nil
		}
		a := &Account{Address: crypto.Address(ga.Algorithm, ga.PublicKey), Algorithm: ga.Algorithm, PublicKey: ga.PublicKey,
			Department: ga.Department, Roles: roles, Citizen: ga.Citizen}
		if err := addAccount(kv, a); err != nil {
			return err
		}
		if hasRole(roles, RoleAdmin) {
			for _, d := range depts {
				if d.ID == a.Department {
					d.Admins++
				}
			}
		}
	}
	for _, d := range depts {
		module.SetRecord(kv, deptKey(d.ID), d)
	}
	module.SetRecord(kv, paramsKey, &Params{Threshold: g.Threshold, ProposalTTL: g.ProposalTTL})
	module.SetRecord(kv, metaKey, meta)
	return nil
}

// initGrantors writes the grantor list of every role the chain's modules
// define but department.admin (granted only by proposal): the genesis's
// own list, or the role's declared defaults less the departments the
// genesis does not found.
func initGrantors(ctx *module.Context, lists map[string][]string) error {
	kv := ctx.Store()
	given := make([]string, 0, len(lists))
	for role := range lists {
		given = append(given, role)
	}
	sort.Strings(given) // so that the first bad role reported is the same on every node
	for _, role := range given {
		if role == RoleAdmin {
			return ErrAdminRole
		}
		a := &Action{Kind: KindSetRoleGrantors, Role: role, Departments: module.SortedUnique(lists[role])}
		if err := a.validate(); err != nil {
			return ErrBadGenesis.Wrapf("role_grantors of %q: %v", role, err)
		}
		if err := checkGrantors(ctx, a); err != nil {
			return err
		}
	}
	for _, r := range ctx.DefinedRoles() {
		if r.Name == RoleAdmin {
			continue
		}
		ids, ok := lists[r.Name]
		if !ok {
			ids = nil
			for _, id := range r.Grantors {
				if _, founded := kv.Get([]byte(deptKey(id))); founded || id == module.AnyDepartment {
					ids = append(ids, id)
				}
			}
		}
		g := &RoleGrantors{Role: r.Name, Departments: module.SortedUnique(ids)}
		if len(g.Departments) == 0 {
			g.Departments = nil
		}
		module.SetRecord(kv, grantorsKey(r.Name), g)
	}
	return nil
}
