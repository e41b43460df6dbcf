package node

import (
	"testing"

	"github.com/govchain/govchain/app/module/moduletest"
)

// Every module of the chain carries a role table in its own tests: a
// module without a test calling moduletest.CheckRoleTable fails here, and
// one whose table misses a message it routes fails its own tests.
func TestEveryModuleHasRoleTable(t *testing.T) {
	moduletest.CheckEveryModuleHasRoleTable(t, Modules())
}

// Every module that defines roles pins, in its own tests, which
// departments grant them (moduletest.CheckGrantTable).
func TestEveryModuleHasGrantTable(t *testing.T) {
	moduletest.CheckEveryModuleHasGrantTable(t, Modules())
}
