package fiscal

import (
	"math/big"

	"github.com/govchain/govchain/app/module"
)

// PEFA are the budget-reliability indicators of a fiscal year, computed
// when the year's record is read (in integers; nothing of it is stored).
// Outturn is payments (Paid): a commitment is not yet expenditure.
//
//	PI-1 aggregate outturn   = Paid / Original, in basis points (10000 = 100%).
//	PI-2 composition variance = Σ_i |a_i - o_i·A/O| / A, in basis points,
//	    over the function classes (类) and, separately, the economic classes,
//	    where o_i and a_i are class i's original budget and payments and O and
//	    A their totals (PEFA 2016: each class's budget is scaled by the
//	    aggregate outturn before the difference is taken). Computed exactly as
//	    Σ_i |a_i·O - o_i·A| · 10000 / (A·O), rounded down.
//
// An indicator whose denominator is 0 is absent (-1).
type PEFA struct {
	PI1AggregateOutturnBP   int64  `json:"pi1_aggregate_outturn_bp" fmt:"bp"`
	PI2FunctionalVarianceBP int64  `json:"pi2_functional_variance_bp" fmt:"bp"`
	PI2EconomicVarianceBP   int64  `json:"pi2_economic_variance_bp" fmt:"bp"`
	PI1Score                string `json:"pi1_score"`
	PI2FunctionalScore      string `json:"pi2_functional_score"`
	PI2EconomicScore        string `json:"pi2_economic_score"`
}

// ComputePEFA computes the indicators of a year record.
func ComputePEFA(y *Year) *PEFA {
	p := &PEFA{PI1AggregateOutturnBP: ratioBP(y.Paid, y.Original)}
	p.PI2FunctionalVarianceBP = compositionBP(y.Functions, y.Original, y.Paid)
	p.PI2EconomicVarianceBP = compositionBP(y.Economic, y.Original, y.Paid)
	p.PI1Score = pi1Score(p.PI1AggregateOutturnBP)
	p.PI2FunctionalScore = pi2Score(p.PI2FunctionalVarianceBP)
	p.PI2EconomicScore = pi2Score(p.PI2EconomicVarianceBP)
	return p
}

func ratioBP(a, b uint64) int64 {
	if b == 0 {
		return -1
	}
	n := new(big.Int).Mul(new(big.Int).SetUint64(a), big.NewInt(10000))
	n.Quo(n, new(big.Int).SetUint64(b))
	if !n.IsInt64() {
		return -1
	}
	return n.Int64()
}

func compositionBP(classes []ClassOutturn, total, actual uint64) int64 {
	if total == 0 || actual == 0 {
		return -1
	}
	O, A := new(big.Int).SetUint64(total), new(big.Int).SetUint64(actual)
	sum := new(big.Int)
	for _, c := range classes {
		ai := new(big.Int).Mul(new(big.Int).SetUint64(c.Paid), O)
		oi := new(big.Int).Mul(new(big.Int).SetUint64(c.Original), A)
		sum.Add(sum, ai.Sub(ai, oi).Abs(ai))
	}
	sum.Mul(sum, big.NewInt(10000))
	sum.Quo(sum, new(big.Int).Mul(A, O))
	if !sum.IsInt64() {
		return -1
	}
	return sum.Int64()
}

// pi1Score is PEFA 2016's PI-1 band for one year's outturn (the framework
// scores two of the last three years; the band of each year is given).
func pi1Score(bp int64) string {
	switch {
	case bp < 0:
		return ""
	case bp >= 9500 && bp <= 10500:
		return "A"
	case bp >= 9000 && bp <= 11000:
		return "B"
	case bp >= 8500 && bp <= 11500:
		return "C"
	}
	return "D"
}

// pi2Score is PEFA 2016's PI-2 (i) band for one year's variance.
func pi2Score(bp int64) string {
	switch {
	case bp < 0:
		return ""
	case bp <= 500:
		return "A"
	case bp <= 1000:
		return "B"
	case bp <= 1500:
		return "C"
	}
	return "D"
}

// Present computes the PEFA indicators of the year read.
func (y *Year) Present(module.ReadView) { y.PEFA = ComputePEFA(y) }
