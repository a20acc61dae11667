package datasets

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestInferText(t *testing.T) {
	ids := make([]string, 25)
	for i := range ids {
		ids[i] = fmt.Sprintf("7927b2df-%04d", i)
	}
	long := []string{strings.Repeat("free text about the lead ", 3), strings.Repeat("another long note ", 4)}
	tests := []struct {
		name   string
		column string
		vals   []string
		want   Kind
		layout string
	}{
		{"integers", "visits", []string{"0", "5", "12", "-3", "+4"}, KindNumber, ""},
		{"decimals and exponents", "x", []string{"2.5", "-0.75", ".5", "3.", "1e3", "2.5E-2"}, KindNumber, ""},
		{"ordinal text stays category", "Asymmetrique Activity Index", []string{"01.High", "02.Medium", "03.Low"}, KindCategory, ""},
		{"leading zeros are codes", "zip", []string{"007", "012", "123"}, KindCategory, ""},
		{"leading zero decimals are codes", "code", []string{"01.5", "2.5"}, KindCategory, ""},
		{"yes/no", "Do Not Email", []string{"No", "Yes", "no", "YES"}, KindBool, ""},
		{"only no is still a flag", "Magazine", []string{"No", "No"}, KindBool, ""},
		{"y/n and true/false", "flag", []string{"y", "N", "True", "false"}, KindBool, ""},
		{"zero and one", "Converted", []string{"0", "1", "1", "0"}, KindBool, ""},
		{"only zeros is a number", "revenue", []string{"0", "0", "0"}, KindNumber, ""},
		{"zero one two is a number", "n", []string{"0", "1", "2"}, KindNumber, ""},
		{"ISO dates", "d", []string{"2018-01-02", "2017-12-31"}, KindTime, "2006-01-02"},
		{"RFC 3339", "d", []string{"2018-01-02T03:04:05Z", "2018-01-02T03:04:05.123+02:00"}, KindTime, time.RFC3339Nano},
		{"ISO without zone", "d", []string{"2018-01-02T03:04:05", "2018-01-02T03:04:05.5"}, KindTime, "2006-01-02T15:04:05"},
		{"date and time", "d", []string{"2018-01-02 03:04:05", "2018-01-02 23:59:59"}, KindTime, "2006-01-02 15:04:05"},
		{"day-month-year", "first_contact_date", []string{"01-02-2018", "20-10-2017", "31-12-2017"}, KindTime, "02-01-2006"},
		{"day-month-year hour-minute", "won_date", []string{"26-02-2018 19:58", "08-05-2018 20:17"}, KindTime, "02-01-2006 15:04"},
		{"unix seconds with a time name", "created_at", []string{"1514764800", "1525132800"}, KindTime, unixLayout},
		{"unix seconds without a time name", "amount", []string{"1514764800", "1525132800"}, KindNumber, ""},
		{"small counts with a date-like name", "days_since_update", []string{"3", "40"}, KindNumber, ""},
		{"mixed dates and text", "d", []string{"2018-01-02", "soon"}, KindCategory, ""},
		{"all distinct ids are text", "Prospect ID", ids, KindText, ""},
		{"few distinct ids are categories", "Prospect ID", ids[:19], KindCategory, ""},
		{"long values are text", "notes", long, KindText, ""},
		{"repeated values are categories", "source", []string{"Google", "Direct", "Google"}, KindCategory, ""},
		{"no values", "empty", nil, KindCategory, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := inferText(tt.column, tt.vals)
			assert.Equal(t, tt.want, got.kind)
			assert.Equal(t, tt.layout, got.layout)
		})
	}
}

func TestParseTime(t *testing.T) {
	tests := []struct {
		in     string
		layout string
		want   time.Time
	}{
		{"26-02-2018 19:58", "02-01-2006 15:04", time.Date(2018, 2, 26, 19, 58, 0, 0, time.UTC)},
		{"01-02-2018", "02-01-2006", time.Date(2018, 2, 1, 0, 0, 0, 0, time.UTC)},
		{"2018-02-26T19:58:00+01:00", time.RFC3339Nano, time.Date(2018, 2, 26, 18, 58, 0, 0, time.UTC)},
		{"2018-02-26T19:58:00.25", "2006-01-02T15:04:05", time.Date(2018, 2, 26, 19, 58, 0, 250e6, time.UTC)},
		{"1514764800", unixLayout, time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			ns, ok := parseTimeLayout(tt.in, tt.layout)
			require.True(t, ok)
			assert.Equal(t, tt.want.UnixNano(), ns)
		})
	}
	_, ok := parseTimeLayout("31-02-2018", "02-01-2006")
	assert.False(t, ok, "no 31 February")
}

func TestParseValues(t *testing.T) {
	numbers := map[string]float64{"1": 1, "-2.5": -2.5, "+3": 3, "1e2": 100, " 7 ": 7, "007": 7}
	for in, want := range numbers {
		got, ok := parseNumber(in)
		assert.True(t, ok, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"abc", "1,5", "0x10", "Inf", "1e", "-", ".", "1e999", "1_000"} {
		_, ok := parseNumber(in)
		assert.False(t, ok, in)
	}
	bools := map[string]float64{"yes": 1, "No": 0, "TRUE": 1, "false": 0, "y": 1, "N": 0, "1": 1, "0": 0}
	for in, want := range bools {
		got, ok := parseBool(in)
		assert.True(t, ok, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"2", "maybe", "yess", ""} {
		_, ok := parseBool(in)
		assert.False(t, ok, in)
	}
}

func TestInferenceThroughCSV(t *testing.T) {
	var b strings.Builder
	b.WriteString("Prospect ID,Lead Origin,Converted,TotalVisits,Asymmetrique Activity Index,first_contact_date,won_date,signup_time\n")
	for i := 0; i < 24; i++ {
		fmt.Fprintf(&b, "p-%02d,%s,%d,%d,0%d.%s,%02d-03-2018,%02d-03-2018 10:%02d,%d\n",
			i, []string{"API", "Landing Page"}[i%2], i%2, i*3, 1+i%3, []string{"High", "Medium", "Low"}[i%3],
			1+i, 1+i, i, 1514764800+i*3600)
	}
	path := writeTemp(t, "leads.csv", b.String())
	tb, _, err := ReadFile(path, ReadOptions{})
	require.NoError(t, err)
	assert.Equal(t, []Field{
		{"Prospect ID", KindText},
		{"Lead Origin", KindCategory},
		{"Converted", KindBool},
		{"TotalVisits", KindNumber},
		{"Asymmetrique Activity Index", KindCategory},
		{"first_contact_date", KindTime},
		{"won_date", KindTime},
		{"signup_time", KindTime},
	}, tb.Schema())
	assert.Equal(t, "01.High", tb.Col("Asymmetrique Activity Index").String(0))
	assert.Equal(t, "2018-03-02T10:01:00Z", tb.Col("won_date").String(1))
	assert.Equal(t, "2018-01-01T01:00:00Z", tb.Col("signup_time").String(1))
}

func TestFixedTimeMatchesTimeParse(t *testing.T) {
	layouts := []string{"2006-01-02", "2006-01-02 15:04:05", "2006-01-02T15:04:05", "02-01-2006", "02-01-2006 15:04", "2006/01/02 15:04:05"}
	inputs := []string{
		"2020-02-29", "2019-02-29", "2018-04-31", "2018-13-01", "2018-00-10", "2018-01-00",
		"2018-01-02 23:59:59", "2018-01-02 24:00:00", "2018-01-02 10:60:00", "2018-01-02T10:00:61",
		"29-02-2020", "29-02-2019", "26-02-2018 19:58", "26-02-2018 19:5x", "1a-02-2018",
		"2018/12/31 00:00:00", "2018-12-31x00:00:00",
	}
	for _, layout := range layouts {
		for _, in := range inputs {
			want, err := time.Parse(layout, in)
			got, ok := parseTimeLayout(in, layout)
			if assert.Equal(t, err == nil, ok, "%s with %s", in, layout) && ok {
				assert.Equal(t, want.UnixNano(), got, "%s with %s", in, layout)
			}
		}
	}
	for i := 0; i < 2000; i++ {
		ts := time.Unix(int64(i)*7919*3607, 0).UTC()
		for _, layout := range layouts {
			in := ts.Format(layout)
			want, err := time.Parse(layout, in)
			require.NoError(t, err)
			got, ok := parseTimeLayout(in, layout)
			require.True(t, ok, in)
			require.Equal(t, want.UnixNano(), got, in)
		}
	}
}
