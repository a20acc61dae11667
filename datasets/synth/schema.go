package synth

import "github.com/leadscore/leadscore/datasets"

var (
	fText = func(n string) datasets.Field { return datasets.Field{Name: n, Kind: datasets.KindText} }
	fCat  = func(n string) datasets.Field { return datasets.Field{Name: n, Kind: datasets.KindCategory} }
	fNum  = func(n string) datasets.Field { return datasets.Field{Name: n, Kind: datasets.KindNumber} }
	fTime = func(n string) datasets.Field { return datasets.Field{Name: n, Kind: datasets.KindTime} }
)

// LeadsSchema returns the columns of leads.<ext> for a profile.
//
// b2b: lead_id, created_at, industry, employees (headcount), annual_revenue
// (currency units per year, missing for about a quarter of leads),
// job_title, seniority, country, lead_source.
//
// b2c: lead_id, created_at, age (years), income_band, location, occupation,
// lead_source.
func LeadsSchema(profile string) []datasets.Field {
	if profile == ProfileB2C {
		return []datasets.Field{fText("lead_id"), fTime("created_at"), fNum("age"), fCat("income_band"),
			fCat("location"), fCat("occupation"), fCat("lead_source")}
	}
	return []datasets.Field{fText("lead_id"), fTime("created_at"), fCat("industry"), fNum("employees"),
		fNum("annual_revenue"), fCat("job_title"), fCat("seniority"), fCat("country"), fCat("lead_source")}
}

// EventsSchema returns the columns of events.<ext>: lead_id, timestamp,
// type, page (page_view only, else missing) and channel. Rows are ordered by
// lead, then time.
func EventsSchema() []datasets.Field {
	return []datasets.Field{fText("lead_id"), fTime("timestamp"), fCat("type"), fCat("page"), fCat("channel")}
}

// OutcomesSchema returns the columns of outcomes.<ext>: lead_id,
// converted_at (closed-won time) and amount (deal value in currency units);
// only converted leads have a row.
func OutcomesSchema() []datasets.Field {
	return []datasets.Field{fText("lead_id"), fTime("converted_at"), fNum("amount")}
}

// TruthProbabilitiesSchema returns the columns of truth_probabilities.<ext>:
// lead_id and p_convert_90d_at_day14, the lead's true probability (0-1) of
// converting in (day 14, day 104] given everything the latent model knows at
// day 14; missing for leads that converted before day 14.
func TruthProbabilitiesSchema() []datasets.Field {
	return []datasets.Field{fText("lead_id"), fNum("p_convert_90d_at_day14")}
}

// flatBehaviour are the behaviour columns of leads_flat, all counted over
// the lead's first 14 days.
var flatBehaviour = []datasets.Field{
	fNum("total_visits"), fNum("pricing_page_views"), fNum("product_page_views"),
	fNum("contact_page_views"), fNum("careers_page_views"), fNum("form_submits"),
	fNum("content_downloads"), fNum("webinars_attended"), fNum("live_chats"),
	fNum("social_interactions"), fNum("emails_sent"), fNum("email_opens"),
	fNum("email_clicks"), fNum("email_bounces"), fCat("unsubscribed"),
	fCat("newsletter_signup"), fCat("free_trial_signup"), fCat("demo_requested"),
	fNum("days_since_last_activity"),
}

// FlatSchema returns the columns of leads_flat.<ext>: the lead columns of
// LeadsSchema, then behaviour in the lead's first 14 days (total_visits =
// page views; pricing/product/contact/careers_page_views; form_submits;
// content_downloads; webinars_attended; live_chats; social_interactions;
// emails_sent; email_opens; email_clicks; email_bounces; unsubscribed,
// newsletter_signup, free_trial_signup, demo_requested as "yes"/"no";
// days_since_last_activity, days from the last non-send event to day 14,
// missing when there was none) and converted: 1 when the lead converted in
// (day 14, day 104], else 0.
func FlatSchema(profile string) []datasets.Field {
	fs := append(LeadsSchema(profile), flatBehaviour...)
	return append(fs, fNum("converted"))
}
