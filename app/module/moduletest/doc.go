// Package moduletest is the module test kit: it runs domain modules (x/*)
// the way the application does, without the application, so that each
// module's folder carries its own tests. It is for tests only; no product
// code imports it.
//
// A World is a set of modules with a genesis described by builders and an
// in-memory, sorted State:
//
//	w := moduletest.New(t, identity.New(), registry.New())
//	w.Department("nrb")                                   // its admin is the account "nrb"
//	w.Official("reg", "nrb", registry.RoleRegistrar)      // an official with a role
//	alice := w.Citizen("alice", "cab")                    // addresses come back
//	w.ExpectOK(t, "reg", registry.TypeRegisterParcel, body)
//	w.ExpectCode(t, registry.ErrParcelExists.Code, "reg", registry.TypeRegisterParcel, body)
//	p := moduletest.Get[registry.Parcel](w, registry.Name, "parcel/P-1")
//
// Keys are derived from names, so every run is the same. The first Exec or
// read runs every module's InitGenesis; builders called later create the
// account through identity.create_account, signed by the department's
// admin. Exec executes one message as the application does once it has
// checked the signature and the sequence number: the signer is looked up
// through the module that keeps accounts (module.Accounts), its roles are
// checked with module.Allowed (the application's own check), the sequence
// advances, and the handler's writes reach the state only if it succeeds.
// Codes are the application's (module.ErrUnauthorized and the others are
// declared in app/module). Blocks advance only with NextBlock (one second
// each) or SetTime, so several Execs in a row are transactions of one block.
//
// ExpectCode checks the code, that the rejection has a message, and that the
// state is byte for byte what the application would leave: untouched when
// the signer or its roles were refused, the signer's sequence and nothing
// else when the message was.
//
// # Role tables
//
// Every module's tests call CheckRoleTable with a RoleTable: one case per
// message type, pinning the roles the route declares and trying it with the
// right role, a wrong role and no role (an open route: with a signer holding
// no role). CheckRoleTable fails when the module routes a type the table
// lacks, or the table names a type the module does not route. node's tests
// call CheckEveryModuleHasRoleTable(node.Modules()), which fails when a
// module's package has no test calling CheckRoleTable. So a new module in
// node.Modules fails `go test ./...` until its folder has a role table, and
// a new message fails its module's tests until the table has its case.
//
// # Grant tables
//
// Every module that defines roles also calls CheckGrantTable with a
// GrantTable: for each of its roles, the departments entitled to grant it
// in the world (by default the module's declared module.Role.Grantors,
// less departments the world does not found; Grantors overrides a role's
// list in the genesis). It checks the chain's list and has every founding
// department's admin try to grant the role: the listed ones succeed, the
// others are refused with identity.ErrRoleNotGrantable.
// CheckEveryModuleHasGrantTable is the node-level guard, as for role
// tables. Genesis officials, too, hold only roles their department may
// grant: a world that gives a bank role to mof lists mof with Grantors.
//
// The kit must not import the application (app), Pebble or CometBFT's
// node, consensus or ABCI packages; its only CometBFT dependencies are the
// crypto packages govchain/crypto itself uses (its test checks this).
package moduletest
