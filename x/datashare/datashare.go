// Package datashare is cross-department data sharing with consent and an
// audited trail. The data stays with its owner department; the chain
// holds the catalogue (dataset descriptions), requests for access with a
// purpose and period, the owner's grant or refusal (m of n departments'
// approvals for restricted datasets), citizens' consent where the law
// requires it, and a log of every access made under a grant, recorded by
// the owner's data service with a hash of what it returned, never the data.
//
// It is a pure state machine over module.Context, reads accounts through
// x/identity, and must not import api, node, net/http, CometBFT's node
// packages or read the wall clock (periods compare with block time).
package datashare

import (
	"encoding/json"
	"slices"
	"strconv"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/x/identity"
)

// Module is the datashare module.
type Module struct{}

// New returns the module.
func New() *Module { return &Module{} }

var _ module.Module = (*Module)(nil)

func (m *Module) Name() string { return Name }

// Roles are the roles this module defines; every department grants them
// to its own officials (each department owns data, and may ask for
// another's).
func (m *Module) Roles() []module.Role {
	any := []string{module.AnyDepartment}
	return []module.Role{
		{Name: RoleSteward, Doc: "publishes its department's datasets, decides on requests for them (one of the m of n for restricted ones), revokes grants", Grantors: any},
		{Name: RoleRequester, Doc: "requests access to another department's dataset and signs the access requests sent to its data service", Grantors: any},
		{Name: RoleService, Doc: "a department's data service account: logs every access it served under a grant", Grantors: any},
	}
}

// Routes declares each message with the roles it needs; department,
// ownership and consent checks are in the handlers.
func (m *Module) Routes() []module.Route {
	return []module.Route{
		module.NewRoute(TypePublishDataset, []string{RoleSteward}, "Publish a dataset description (name, schema hash, legal basis, sensitivity, retention) owned by the signer's department", m.publish),
		module.NewRoute(TypeRequestAccess, []string{RoleRequester}, "Request access to another department's dataset for a purpose and period", m.request),
		module.NewRoute(TypeApprove, []string{RoleSteward}, "Grant a request as the dataset's owner, or approve it as one of a restricted dataset's approver departments (granted at m approvals, the owner's among them)", m.approve),
		module.NewRoute(TypeRefuse, []string{RoleSteward}, "Refuse a request (the owner; for a restricted dataset, an approver department's refusal ends it once m approvals are out of reach)", m.refuse),
		module.NewRoute(TypeRevoke, []string{RoleSteward}, "Revoke a grant of the signer's department's dataset: no access from then on", m.revoke),
		module.NewRoute(TypeGiveConsent, nil, "Consent, as a citizen, to accesses concerning oneself under a request or grant of a dataset that requires consent", m.giveConsent),
		module.NewRoute(TypeWithdrawConsent, nil, "Withdraw one's consent to a grant: no access concerning oneself from then on", m.withdrawConsent),
		module.NewRoute(TypeLogAccess, []string{RoleService}, "Log an access served under a live grant: the requester's signed request and the hash of the answer", m.logAccess),
	}
}

// InitGenesis: the module starts empty.
func (m *Module) InitGenesis(ctx *module.Context, raw []byte) error {
	if raw != nil {
		var v json.RawMessage
		if err := json.Unmarshal(raw, &v); err != nil {
			return module.ErrInvalidField.Wrapf("datashare genesis: %v", err)
		}
	}
	return nil
}

// GetDataset reads a dataset (kv rooted at "datashare/").
func GetDataset(kv module.Reader, id string) (*Dataset, error) {
	return module.Load[Dataset](kv, datasetKey(id), ErrUnknownDataset, strconv.Quote(id))
}

// GetRequest reads a request (or grant).
func GetRequest(kv module.Reader, id uint64) (*Request, error) {
	return module.Load[Request](kv, requestKey(id), ErrUnknownRequest, strconv.FormatUint(id, 10))
}

// GetAccess reads an access entry.
func GetAccess(kv module.Reader, grant, seq uint64) (*Access, error) {
	return module.Load[Access](kv, accessKey(grant, seq), ErrUnknownRequest, "access "+strconv.FormatUint(seq, 10)+" of "+strconv.FormatUint(grant, 10))
}

// GetConsent reads a citizen's consent to a grant; nil when none.
func GetConsent(kv module.Reader, grant uint64, subject string) (*Consent, error) {
	var c Consent
	ok, err := module.GetRecord(kv, consentKey(grant, subject), &c)
	if err != nil || !ok {
		return nil, err
	}
	return &c, nil
}

// GetMeta reads the counters.
func GetMeta(kv module.Reader) (*Meta, error) {
	var m Meta
	_, err := module.GetRecord(kv, metaKey, &m)
	return &m, err
}

func (m *Module) publish(ctx *module.Context, msg *MsgPublishDataset) error {
	kv := ctx.Store()
	if _, ok := kv.Get([]byte(datasetKey(msg.ID))); ok {
		return ErrDatasetExists.Wrapf("%q", msg.ID)
	}
	owner := ctx.Signer.Department
	approvers := module.SortedUnique(msg.Approvers)
	if msg.Sensitivity == LevelRestricted {
		if !slices.Contains(approvers, owner) {
			return ErrBadApprovers.Wrapf("the owner %s must be an approver", owner)
		}
		for _, d := range approvers {
			if _, err := identity.GetDepartment(ctx.View(identity.Name), d); err != nil {
				return ErrBadApprovers.Wrapf("unknown department %q", d)
			}
		}
	} else {
		approvers = nil
	}
	ds := &Dataset{ID: msg.ID, Name: msg.Name, SchemaHash: msg.SchemaHash, Owner: owner, LegalBasis: msg.LegalBasis,
		Sensitivity: msg.Sensitivity, RetentionDays: msg.RetentionDays, ConsentRequired: msg.ConsentRequired,
		Approvers: approvers, Threshold: msg.Threshold, PublishedBy: ctx.Signer.Address, Published: ctx.Height, Time: ctx.Time.Unix()}
	module.SetRecord(kv, datasetKey(ds.ID), ds)
	ctx.Emit("datashare.dataset_published", "dataset", ds.ID, "owner", owner)
	return nil
}

func (m *Module) request(ctx *module.Context, msg *MsgRequestAccess) error {
	kv := ctx.Store()
	ds, err := GetDataset(kv, msg.Dataset)
	if err != nil {
		return err
	}
	if ds.Owner == ctx.Signer.Department {
		return ErrOwnDataset
	}
	if msg.Until <= ctx.Time.Unix() {
		return ErrBadPeriod.Wrapf("the period ends in the past")
	}
	meta, err := GetMeta(kv)
	if err != nil {
		return err
	}
	meta.NextRequest++
	r := &Request{ID: meta.NextRequest, Dataset: ds.ID, Owner: ds.Owner, Requester: ctx.Signer.Department, RequestedBy: ctx.Signer.Address,
		Purpose: msg.Purpose, PurposeText: msg.PurposeText, From: msg.From, Until: msg.Until, Status: StatusPending, Opened: ctx.Height}
	module.SetRecord(kv, metaKey, meta)
	module.SetRecord(kv, requestKey(r.ID), r)
	kv.Set([]byte(dsRequestKey(ds.ID, r.ID)), []byte{})
	kv.Set([]byte(deptRequestKey(r.Requester, r.ID)), []byte{})
	ctx.Emit("datashare.request_opened", "id", strconv.FormatUint(r.ID, 10), "dataset", ds.ID, "requester", r.Requester)
	return nil
}

// pendingFor loads a pending request and its dataset, and checks that the
// signer's department may decide on it.
func pendingFor(ctx *module.Context, id uint64) (*Request, *Dataset, error) {
	kv := ctx.Store()
	r, err := GetRequest(kv, id)
	if err != nil {
		return nil, nil, err
	}
	if r.Status != StatusPending {
		return nil, nil, ErrNotPending.Wrapf("request %d is %s", r.ID, r.Status)
	}
	ds, err := GetDataset(kv, r.Dataset)
	if err != nil {
		return nil, nil, err
	}
	dept := ctx.Signer.Department
	if ds.Sensitivity != LevelRestricted {
		if dept != ds.Owner {
			return nil, nil, ErrNotOwner.Wrapf("%s is %s's", ds.ID, ds.Owner)
		}
		return r, ds, nil
	}
	if !slices.Contains(ds.Approvers, dept) {
		return nil, nil, ErrNotApprover.Wrapf("%s approves nothing of %s (approvers %v)", dept, ds.ID, ds.Approvers)
	}
	if slices.Contains(r.Approvals, dept) || slices.Contains(r.Refusals, dept) {
		return nil, nil, ErrAlreadyDecided.Wrapf("%s", dept)
	}
	return r, ds, nil
}

// approve: the owner of a dataset below restricted grants at once; for a
// restricted dataset each approver department's approval counts once, and
// the request is granted when m departments have approved, the owner
// among them.
func (m *Module) approve(ctx *module.Context, msg *MsgDecision) error {
	r, ds, err := pendingFor(ctx, msg.Request)
	if err != nil {
		return err
	}
	dept := ctx.Signer.Department
	id := strconv.FormatUint(r.ID, 10)
	if ds.Sensitivity == LevelRestricted {
		r.Approvals = sortedInsert(r.Approvals, dept)
		ctx.Emit("datashare.approved", "request", id, "department", dept)
		if len(r.Approvals) < int(ds.Threshold) || !slices.Contains(r.Approvals, ds.Owner) {
			module.SetRecord(ctx.Store(), requestKey(r.ID), r)
			return nil
		}
	} else {
		r.Approvals = []string{dept}
	}
	meta, err := GetMeta(ctx.Store())
	if err != nil {
		return err
	}
	r.Status, r.Decided, r.Reason, r.GrantedAfter = StatusGranted, ctx.Height, msg.Reason, meta.Accesses
	module.SetRecord(ctx.Store(), requestKey(r.ID), r)
	ctx.Emit("datashare.granted", "request", id, "dataset", r.Dataset, "requester", r.Requester)
	return nil
}

// refuse: the owner's refusal ends a request; another approver's refusal
// of a restricted dataset's request ends it once fewer than m approvers
// are left who have not refused.
func (m *Module) refuse(ctx *module.Context, msg *MsgDecision) error {
	r, ds, err := pendingFor(ctx, msg.Request)
	if err != nil {
		return err
	}
	dept := ctx.Signer.Department
	r.Refusals = sortedInsert(r.Refusals, dept)
	id := strconv.FormatUint(r.ID, 10)
	if ds.Sensitivity == LevelRestricted && dept != ds.Owner && len(ds.Approvers)-len(r.Refusals) >= int(ds.Threshold) {
		module.SetRecord(ctx.Store(), requestKey(r.ID), r)
		ctx.Emit("datashare.refused_by", "request", id, "department", dept)
		return nil
	}
	r.Status, r.Decided, r.Reason = StatusRefused, ctx.Height, msg.Reason
	module.SetRecord(ctx.Store(), requestKey(r.ID), r)
	ctx.Emit("datashare.refused", "request", id, "dataset", r.Dataset)
	return nil
}

func (m *Module) revoke(ctx *module.Context, msg *MsgDecision) error {
	kv := ctx.Store()
	r, err := GetRequest(kv, msg.Request)
	if err != nil {
		return err
	}
	if r.Owner != ctx.Signer.Department {
		return ErrNotOwner.Wrapf("%s is %s's", r.Dataset, r.Owner)
	}
	if r.Status != StatusGranted {
		return ErrNotGranted.Wrapf("request %d is %s", r.ID, r.Status)
	}
	meta, err := GetMeta(kv)
	if err != nil {
		return err
	}
	r.Status, r.Closed, r.ClosedAfter = StatusRevoked, ctx.Height, meta.Accesses
	if msg.Reason != "" {
		r.Reason = msg.Reason
	}
	module.SetRecord(kv, requestKey(r.ID), r)
	ctx.Emit("datashare.revoked", "request", strconv.FormatUint(r.ID, 10), "dataset", r.Dataset)
	return nil
}

func (m *Module) giveConsent(ctx *module.Context, msg *MsgConsent) error {
	if !ctx.Signer.Citizen {
		return ErrNotCitizen
	}
	kv := ctx.Store()
	r, err := GetRequest(kv, msg.Grant)
	if err != nil {
		return err
	}
	if r.Status != StatusPending && r.Status != StatusGranted {
		return ErrGrantNotLive.Wrapf("request %d is %s", r.ID, r.Status)
	}
	ds, err := GetDataset(kv, r.Dataset)
	if err != nil {
		return err
	}
	if !ds.ConsentRequired {
		return ErrConsentNotNeeded.Wrapf("%s", ds.ID)
	}
	who := ctx.Signer.Address
	c, err := GetConsent(kv, r.ID, who)
	if err != nil {
		return err
	}
	if c != nil && c.Withdrawn != 0 {
		return ErrConsentWithdrawn
	}
	if c != nil {
		return ErrConsentGiven
	}
	meta, err := GetMeta(kv)
	if err != nil {
		return err
	}
	c = &Consent{Grant: r.ID, Subject: who, Given: ctx.Height, GivenTime: ctx.Time.Unix(), GivenAfter: meta.Accesses}
	module.SetRecord(kv, consentKey(r.ID, who), c)
	kv.Set([]byte(subjectConsentKey(who, r.ID)), []byte{})
	ctx.Emit("datashare.consent_given", "request", strconv.FormatUint(r.ID, 10), "subject", who)
	return nil
}

func (m *Module) withdrawConsent(ctx *module.Context, msg *MsgConsent) error {
	kv := ctx.Store()
	who := ctx.Signer.Address
	c, err := GetConsent(kv, msg.Grant, who)
	if err != nil {
		return err
	}
	if c == nil || c.Withdrawn != 0 {
		return ErrConsentNotGiven.Wrapf("grant %d", msg.Grant)
	}
	meta, err := GetMeta(kv)
	if err != nil {
		return err
	}
	c.Withdrawn, c.WithdrawnTime, c.WithdrawnAfter = ctx.Height, ctx.Time.Unix(), meta.Accesses
	module.SetRecord(kv, consentKey(c.Grant, who), c)
	ctx.Emit("datashare.consent_withdrawn", "request", strconv.FormatUint(c.Grant, 10), "subject", who)
	return nil
}

// logAccess records an access the signer's data service served. It
// checks everything again, whatever the service did: the requester's
// signature and account, the request's chain, audience and time, that it
// was not logged before, and that the grant was live for it (CheckAccess).
func (m *Module) logAccess(ctx *module.Context, msg *MsgLogAccess) error {
	kv := ctx.Store()
	req, err := DecodeRequest(msg.Request)
	if err != nil {
		return err
	}
	now := ctx.Time.Unix()
	switch {
	case req.ChainID != ctx.ChainID:
		return ErrWrongChain.Wrapf("%q", req.ChainID)
	case req.Audience != ctx.Signer.Address:
		return ErrWrongAudience.Wrapf("addressed to %s", req.Audience)
	case req.Time < now-MaxLogDelay || req.Time > now+MaxClockSkew:
		return ErrStaleRequest.Wrapf("request at %d, block at %d", req.Time, now)
	}
	hash := RequestHash(msg.Request)
	if _, seen := kv.Get([]byte(replayKey(hash))); seen {
		return ErrReplay
	}
	acct, err := identity.New().LookupAccount(ctx.View(identity.Name), req.Requester)
	if err != nil {
		return err
	}
	if acct == nil || acct.Disabled {
		return ErrUnknownAccount.Wrapf("%s", req.Requester)
	}
	if msg.Algorithm != acct.Algorithm {
		return ErrBadSignature.Wrapf("the account signs with %s", acct.Algorithm)
	}
	if err := VerifyRequest(req, msg.Request, acct.Algorithm, acct.PublicKey, msg.Signature); err != nil {
		return err
	}
	g, err := GetRequest(kv, req.Grant)
	if err != nil {
		return err
	}
	ds, err := GetDataset(kv, g.Dataset)
	if err != nil {
		return err
	}
	if req.Dataset != g.Dataset {
		return ErrRequestMismatch.Wrapf("grant %d is of %s", g.ID, g.Dataset)
	}
	if ctx.Signer.Department != ds.Owner {
		return ErrWrongService.Wrapf("%s is %s's", ds.ID, ds.Owner)
	}
	if acct.Department != g.Requester || !acct.HasRole(RoleRequester) {
		return ErrWrongRequester.Wrapf("%s of %s", req.Requester, acct.Department)
	}
	var consent *Consent
	if req.Subject != "" {
		if _, err := identity.GetAccount(ctx.View(identity.Name), req.Subject); err != nil {
			return ErrUnknownSubject.Wrapf("%s", req.Subject)
		}
		if consent, err = GetConsent(kv, g.ID, req.Subject); err != nil {
			return err
		}
	}
	meta, err := GetMeta(kv)
	if err != nil {
		return err
	}
	a := &Access{ID: meta.Accesses + 1, Grant: g.ID, Seq: g.Accesses + 1, Dataset: g.Dataset, Requester: g.Requester,
		RequesterAccount: req.Requester, Purpose: req.Purpose, Subject: req.Subject, RequestTime: req.Time,
		RequestHash: hash, ResponseHash: msg.ResponseHash, Service: ctx.Signer.Address, Height: ctx.Height, Time: now,
		Request: msg.Request, Algorithm: acct.Algorithm, PublicKey: acct.PublicKey, Signature: msg.Signature}
	if err := CheckAccess(a, g, ds, consent); err != nil {
		return err
	}
	meta.Accesses, g.Accesses = a.ID, a.Seq
	module.SetRecord(kv, metaKey, meta)
	module.SetRecord(kv, requestKey(g.ID), g)
	module.SetRecord(kv, accessKey(g.ID, a.Seq), a)
	kv.Set([]byte(replayKey(hash)), []byte(accessKey(g.ID, a.Seq)))
	if a.Subject != "" {
		kv.Set([]byte(subjectAccessKey(a.Subject, g.ID, a.Seq)), []byte{})
	}
	ctx.Emit("datashare.access_logged", "request", strconv.FormatUint(g.ID, 10), "seq", strconv.FormatUint(a.Seq, 10),
		"dataset", g.Dataset, "subject", a.Subject)
	return nil
}
