package voting

import (
	"encoding/hex"
	"strconv"

	"github.com/govchain/govchain/app/module"
)

// IndexTables declares the voting module's tables of the SQL index (issue
// 18): elections with their counters, and ballots with the block time's
// hour (for "ballots cast per hour": aggregate by cast_hour). The Reader
// of an IndexEvent is this module's state at the event's height; each
// row's StateKey is the full state key of its record. Whether a ballot is
// still counted (a re-vote replaces it) is not a column: the replacing
// ballot's event does not name the replaced one; count per voter instead.
func (m *Module) IndexTables() []module.IndexTable {
	return []module.IndexTable{
		{
			Name: "elections", Doc: "Elections with their roll size, ballot counters and state of the key ceremony and result.",
			Columns: []module.Column{
				{Name: "id", Type: module.Text, Key: true},
				{Name: "trustees", Type: module.Int},
				{Name: "threshold", Type: module.Int},
				{Name: "start_unix", Type: module.Int, Indexed: true},
				{Name: "end_unix", Type: module.Int},
				{Name: "revote", Type: module.Bool},
				{Name: "roll_count", Type: module.Int},
				{Name: "ballots", Type: module.Int},
				{Name: "counted", Type: module.Int},
				{Name: "joint_key", Type: module.Bool, Doc: "the key ceremony is complete"},
				{Name: "decided", Type: module.Bool, Doc: "the result is decrypted"},
			},
			Events: []string{"voting.election_created", "voting.voters_added", "voting.joint_key", "voting.commitment",
				"voting.ballot_cast", "voting.decryption", "voting.result"},
			Rows: electionRows,
		},
		{
			Name: "ballots", Doc: "Recorded ballots by election and sequence, with voter, tracking code and the hour they were cast.",
			Columns: []module.Column{
				{Name: "election", Type: module.Text, Key: true},
				{Name: "seq", Type: module.Int, Key: true},
				{Name: "voter", Type: module.Text, Indexed: true},
				{Name: "tracking_code", Type: module.Text, Indexed: true},
				{Name: "cast_height", Type: module.Int},
				{Name: "cast_hour", Type: module.Text, Indexed: true, Doc: "YYYY-MM-DDTHH of the block time (UTC)"},
			},
			Events: []string{"voting.ballot_cast"},
			Rows:   ballotRows,
		},
	}
}

func electionRows(e module.IndexEvent) ([]module.Row, error) {
	el, err := GetElection(e.State, e.Attr("election"))
	if err != nil {
		return nil, err
	}
	return []module.Row{{StateKey: Name + "/" + electionKey(el.ID), Values: map[string]any{
		"id": el.ID, "trustees": int64(len(el.Trustees)), "threshold": int64(el.Threshold), "start_unix": el.Start, "end_unix": el.End,
		"revote": el.Revote, "roll_count": int64(el.RollCount), "ballots": int64(el.Ballots), "counted": int64(el.Counted),
		"joint_key": len(el.JointKey) > 0, "decided": len(el.Result) > 0,
	}}}, nil
}

func ballotRows(e module.IndexEvent) ([]module.Row, error) {
	id := e.Attr("election")
	seq, err := strconv.ParseUint(e.Attr("seq"), 10, 64)
	if err != nil {
		return nil, err
	}
	b, err := module.Load[BallotEntry](e.State, ballotKey(id, seq), ErrUnknownElection, "ballot "+e.Attr("seq"))
	if err != nil {
		return nil, err
	}
	return []module.Row{{StateKey: Name + "/" + ballotKey(id, seq), Values: map[string]any{
		"election": id, "seq": int64(b.Seq), "voter": b.Voter, "tracking_code": hex.EncodeToString(b.Code),
		"cast_height": b.Height, "cast_hour": e.Time.UTC().Format("2006-01-02T15"),
	}}}, nil
}
