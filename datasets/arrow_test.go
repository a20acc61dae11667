package datasets

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/decimal128"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// roundTripRows is the number of rows in the round-trip fixture, split into
// record batches of 15 and 10 rows.
const roundTripRows = 25

var roundTripBase = time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC)

// roundTripRecords builds the fixture: every supported Arrow type, with
// nulls and a "Select" marker. withDict adds a dictionary-encoded column.
func roundTripRecords(t testing.TB, withDict bool) (*arrow.Schema, []arrow.Record) {
	t.Helper()
	fields := []arrow.Field{
		{Name: "id", Type: arrow.BinaryTypes.String},
		{Name: "source", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "visits", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "score", Type: arrow.PrimitiveTypes.Float64},
		{Name: "amount", Type: &arrow.Decimal128Type{Precision: 10, Scale: 2}},
		{Name: "converted", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
		{Name: "created", Type: &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}},
		{Name: "day", Type: arrow.FixedWidthTypes.Date32},
	}
	plain := arrow.NewSchema(fields, nil)
	dictType := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
	if withDict {
		fields = append(fields, arrow.Field{Name: "stage", Type: dictType})
	}
	sc := arrow.NewSchema(fields, nil)
	// One dictionary for every batch: the IPC file format allows no
	// dictionary replacement.
	sb := array.NewStringBuilder(memory.DefaultAllocator)
	sb.AppendValues([]string{"new", "won"}, nil)
	stages := sb.NewArray()
	sb.Release()
	defer stages.Release()
	var recs []arrow.Record
	for _, span := range [][2]int{{0, 15}, {15, roundTripRows}} {
		b := array.NewRecordBuilder(memory.DefaultAllocator, plain)
		ib := array.NewInt32Builder(memory.DefaultAllocator)
		for i := span[0]; i < span[1]; i++ {
			b.Field(0).(*array.StringBuilder).Append(fmt.Sprintf("lead-%02d", i))
			if i == 4 {
				b.Field(1).AppendNull()
			} else {
				b.Field(1).(*array.StringBuilder).Append([]string{"Google", "Direct", "Select"}[i%3])
			}
			if i == 5 {
				b.Field(2).AppendNull()
			} else {
				b.Field(2).(*array.Int64Builder).Append(int64(2 * i))
			}
			b.Field(3).(*array.Float64Builder).Append(float64(i) / 4)
			b.Field(4).(*array.Decimal128Builder).Append(decimal128.FromI64(int64(125 * i)))
			if i == 6 {
				b.Field(5).AppendNull()
			} else {
				b.Field(5).(*array.BooleanBuilder).Append(i%2 == 0)
			}
			b.Field(6).(*array.TimestampBuilder).Append(arrow.Timestamp(roundTripBase.Add(time.Duration(i) * time.Hour).UnixMilli()))
			b.Field(7).(*array.Date32Builder).Append(arrow.Date32FromTime(roundTripBase.AddDate(0, 0, i)))
			ib.Append(int32(i % 2))
		}
		rec := b.NewRecord()
		b.Release()
		if withDict {
			idx := ib.NewArray()
			stage := array.NewDictionaryArray(dictType, idx, stages)
			cols := append(rec.Columns(), stage)
			withStage := array.NewRecord(sc, cols, rec.NumRows())
			idx.Release()
			stage.Release()
			rec.Release()
			rec = withStage
		}
		ib.Release()
		recs = append(recs, rec)
	}
	return sc, recs
}

// roundTripWant is what reading the fixture must give, as strings.
func roundTripWant(withDict bool) map[string][]string {
	want := map[string][]string{}
	for i := 0; i < roundTripRows; i++ {
		want["id"] = append(want["id"], fmt.Sprintf("lead-%02d", i))
		src := []string{"Google", "Direct", ""}[i%3]
		if i == 4 {
			src = ""
		}
		want["source"] = append(want["source"], src)
		visits := fmt.Sprint(2 * i)
		if i == 5 {
			visits = ""
		}
		want["visits"] = append(want["visits"], visits)
		want["score"] = append(want["score"], formatFloat(float64(i)/4))
		want["amount"] = append(want["amount"], formatFloat(float64(125*i)/100))
		conv := fmt.Sprint(i%2 == 0)
		if i == 6 {
			conv = ""
		}
		want["converted"] = append(want["converted"], conv)
		want["created"] = append(want["created"], roundTripBase.Add(time.Duration(i)*time.Hour).Format(time.RFC3339Nano))
		want["day"] = append(want["day"], roundTripBase.AddDate(0, 0, i).Format(time.RFC3339Nano))
		if withDict {
			want["stage"] = append(want["stage"], []string{"new", "won"}[i%2])
		}
	}
	return want
}

func roundTripSchema(withDict bool) []Field {
	fs := []Field{
		{"id", KindText}, {"source", KindCategory}, {"visits", KindNumber}, {"score", KindNumber},
		{"amount", KindNumber}, {"converted", KindBool}, {"created", KindTime}, {"day", KindTime},
	}
	if withDict {
		fs = append(fs, Field{"stage", KindCategory})
	}
	return fs
}

func writeArrowFile(t testing.TB, path string, stream bool, sc *arrow.Schema, recs []arrow.Record) {
	t.Helper()
	f, err := os.Create(path)
	require.NoError(t, err)
	defer f.Close()
	if stream {
		w := ipc.NewWriter(f, ipc.WithSchema(sc))
		for _, r := range recs {
			require.NoError(t, w.Write(r))
		}
		require.NoError(t, w.Close())
		return
	}
	w, err := ipc.NewFileWriter(f, ipc.WithSchema(sc))
	require.NoError(t, err)
	for _, r := range recs {
		require.NoError(t, w.Write(r))
	}
	require.NoError(t, w.Close())
}

func TestArrowRoundTrip(t *testing.T) {
	for _, stream := range []bool{false, true} {
		t.Run(fmt.Sprintf("stream=%v", stream), func(t *testing.T) {
			sc, recs := roundTripRecords(t, true)
			path := writeTemp(t, "leads.arrow", "")
			writeArrowFile(t, path, stream, sc, recs)
			// Batches of 7 rows cross the 15-row record boundary.
			r, err := Open(path, ReadOptions{BatchSize: 7, MissingValues: []string{"Select"}})
			require.NoError(t, err)
			defer r.Close()
			assert.Equal(t, roundTripSchema(true), r.Schema())
			tb, rep, err := ReadFile(path, ReadOptions{BatchSize: 7, MissingValues: []string{"Select"}})
			require.NoError(t, err)
			assert.Equal(t, roundTripWant(true), columnStrings(tb))
			require.Len(t, tb.Line, roundTripRows)
			assert.Equal(t, int64(1), tb.Line[0])
			assert.Equal(t, int64(roundTripRows), tb.Line[roundTripRows-1])
			assert.Equal(t, FormatArrow, rep.Format)
			assert.Equal(t, roundTripRows, rep.Rows)
			assert.Equal(t, 9, rep.Missing["source"], "8 Select markers and one null")
			assert.Equal(t, 1, rep.Missing["visits"])
		})
	}
}

func TestArrowOverridesAndErrors(t *testing.T) {
	sc, recs := roundTripRecords(t, false)
	path := writeTemp(t, "leads.ipc", "")
	writeArrowFile(t, path, false, sc, recs)

	tb, _, err := ReadFile(path, ReadOptions{Types: map[string]Kind{"visits": KindCategory, "source": KindText, "score": KindBool}})
	var ve *ValueErrors
	require.ErrorAs(t, err, &ve, "scores like 0.25 are not booleans")
	assert.Contains(t, ve.Error(), `line 2: column "score": "0.25" is not a boolean`)
	assert.Equal(t, map[string]int{"score": roundTripRows - 2}, ve.Columns, "only 0 and 1 parse")
	visits := tb.Col("visits")
	assert.Equal(t, KindCategory, visits.Kind)
	assert.Equal(t, "12", visits.String(6))
	assert.True(t, visits.IsMissing(5), "a null stays missing")
	assert.Equal(t, KindText, tb.Col("source").Kind)
	assert.Equal(t, "true", tb.Col("score").String(4), "1.0 is true")

	list := arrow.NewSchema([]arrow.Field{{Name: "tags", Type: arrow.ListOf(arrow.BinaryTypes.String)}}, nil)
	lb := array.NewRecordBuilder(memory.DefaultAllocator, list)
	defer lb.Release()
	tags := lb.Field(0).(*array.ListBuilder)
	tags.Append(true)
	tags.ValueBuilder().(*array.StringBuilder).Append("a")
	rec := lb.NewRecord()
	defer rec.Release()
	bad := writeTemp(t, "tags.arrow", "")
	writeArrowFile(t, bad, false, list, []arrow.Record{rec})
	_, _, err = ReadFile(bad, ReadOptions{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "tags.arrow")
	assert.Contains(t, err.Error(), `column "tags" has Arrow type list`)

	junk := writeTemp(t, "junk.arrow", "this is not arrow")
	_, _, err = ReadFile(junk, ReadOptions{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "junk.arrow: not a valid Arrow IPC")
}
