package synth

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/leadscore/leadscore/internal/atomicfile"
)

// Coefficient is one number of the latent model with a sentence saying what
// it does and in which units.
type Coefficient struct {
	Name        string  `json:"name"`
	Value       float64 `json:"value"`
	Description string  `json:"description"`
}

// Truth is the content of truth.json: how the data were generated and what
// the realised data look like.
type Truth struct {
	Generator                string             `json:"generator"`
	Profile                  string             `json:"profile"`
	Seed                     int64              `json:"seed"`
	Leads                    int                `json:"leads"`
	Start                    time.Time          `json:"start"`
	Months                   int                `json:"months"`
	AsOf                     time.Time          `json:"as_of"`
	HorizonDays              int                `json:"horizon_days"`
	ConfiguredConversionRate float64            `json:"configured_conversion_rate"`
	RealisedConversionRate   float64            `json:"realised_conversion_rate"`
	Counts                   TruthCounts        `json:"counts"`
	Files                    map[string]string  `json:"files"`
	Definitions              map[string]string  `json:"definitions"`
	Model                    []string           `json:"model"`
	Coefficients             []Coefficient      `json:"coefficients"`
	Attributes               map[string][]level `json:"attributes"`
	EventRates               []webRate          `json:"web_event_rates"`
	MonthWeights             [12]float64        `json:"creation_month_weights"`
	WeekdayWeights           [7]float64         `json:"creation_weekday_weights_sunday_first"`
}

// TruthCounts are the realised counts of a generated data set.
type TruthCounts struct {
	Leads                int              `json:"leads"`
	Events               int64            `json:"events"`
	EventsByType         map[string]int64 `json:"events_by_type"`
	Conversions          int              `json:"conversions"`
	ConvertedBeforeDay14 int              `json:"converted_before_day14"`
	MeanPConvert90dDay14 float64          `json:"mean_p_convert_90d_at_day14"`
	FlatRows             int              `json:"flat_rows"`
	FlatConverted        int              `json:"flat_converted"`
	FlatConversionRate   float64          `json:"flat_conversion_rate"`
}

// ReadTruth reads a truth.json written by Generate.
func ReadTruth(path string) (*Truth, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("synth: %w", err)
	}
	var t Truth
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("synth: %s: %w", path, err)
	}
	return &t, nil
}

// Coefficient returns the coefficient with the given name and whether it
// exists.
func (t *Truth) Coefficient(name string) (float64, bool) {
	for _, c := range t.Coefficients {
		if c.Name == name {
			return c.Value, true
		}
	}
	return 0, false
}

func (g *generator) truth(sum *Summary, byType [numEventTypes]int64, early, label int, pSum float64, pCount int) *Truth {
	cfg, m := g.cfg, g.m
	ext := cfg.Format
	t := &Truth{
		Generator:                "leadscore datasets/synth v1",
		Profile:                  cfg.Profile,
		Seed:                     cfg.Seed,
		Leads:                    cfg.Leads,
		Start:                    cfg.Start,
		Months:                   cfg.Months,
		AsOf:                     time.Unix(g.asOf, 0).UTC(),
		HorizonDays:              HorizonDays,
		ConfiguredConversionRate: cfg.ConversionRate,
		RealisedConversionRate:   sum.ConversionRate,
		Counts: TruthCounts{
			Leads: sum.Leads, Events: sum.Events, EventsByType: map[string]int64{},
			Conversions: sum.Conversions, ConvertedBeforeDay14: early, FlatRows: sum.FlatRows, FlatConverted: label,
		},
		Files: map[string]string{
			LeadsFile + "." + ext:      "One row per lead: lead_id (L0000001...), created_at and the profile's attributes. Ids increase with creation time.",
			EventsFile + "." + ext:     "One row per event, ordered by lead then time: lead_id, timestamp, type, page (page_view only), channel (email, web, webinar, chat; social_interaction carries its network: linkedin, twitter, facebook). Events fall within 120 days of creation; after a conversion email stops and 20% of web events remain.",
			OutcomesFile + "." + ext:   "One row per converted lead: lead_id, converted_at (closed-won time, after every event before it) and amount (deal value, currency units).",
			TruthProbsFile + "." + ext: "One row per lead: lead_id and p_convert_90d_at_day14 (see definitions).",
			TruthJSONFileName:          "This file.",
		},
		Definitions: map[string]string{
			"p_convert_90d_at_day14":   "The probability, under the latent model, that the lead converts in [created_at+14d, created_at+104d) given that it had not converted by created_at+14d, conditioned on everything the model knows at day 14: attributes, fit, the hidden noise, the whole intent curve and the events of the first 14 days. It is 1 - exp(-sum over days d=14..103 of h_d). It is missing for leads that converted before day 14. Because it uses hidden variables no model can see, it bounds from above what a model trained on the files can achieve.",
			"converted":                "In leads_flat: 1 when the lead converted in [created_at+14d, created_at+104d), else 0; the population p_convert_90d_at_day14 describes.",
			"day14_aggregates":         "leads_flat behaviour columns count events with timestamp < created_at+14d.",
			"realised_conversion_rate": "conversions / leads: the share of leads converting within 120 days of creation, the rate the intercept is calibrated to.",
		},
		Model: []string{
			"fit F = sum of the attribute effects (coefficients named attribute=value, and the numeric terms employees_log10 or age_sq).",
			"intent I(t) = A * exp((t - tau)/rise_days) for t < tau and A * 2^(-(t - tau)/h) after, t in days since creation; A = exp(amp_log_mean + amp_fit*F + amp_log_sd*N(0,1)), tau ~ Exponential(mean peak_mean_days), h = exp(log(half_life_median_days) + half_life_log_sd*N(0,1)).",
			"web events of each kind arrive as a Poisson process with rate m*(base + intent_rate*I(t)) per day, m = exp(engage_fit*F) (see web_event_rates); job seekers view the careers page job_seeker_careers_multiplier times as often. At-most-once kinds keep their first event.",
			"email: a welcome email in the first hour, then marketing emails at send_rate_per_day*m per day until unsubscribe; each sent email bounces (always for bad addresses, else with bounce_rate), is opened with probability logistic(open_base + open_intent*I + open_fit*F), clicked with logistic(click_base + click_intent*I) once opened, and otherwise leads to unsubscribe with probability unsub_base*exp(-unsub_intent*I).",
			"conversion: piecewise-constant hazard per day d = 0..119: h_d = exp(intercept + F + intent_hazard*I(d+0.5) + B_d + eps) * (1 - exp(-(d+0.5)/sales_cycle_days)), eps ~ N(0, noise_sd). B_d is the behaviour term (coefficients behaviour.*) evaluated on the counts of events before day min(d, 14): behaviour in the first two weeks forms the sales team's view; later behaviour only reflects intent.",
			"the conversion time is the first event of that hazard within 120 days; converted_at is rounded up to the second so it follows the events that drove it; after conversion marketing email stops and only keep_after_conversion of web events remain.",
			"amount: b2b LogNormal(log(amount_median*(employees/50)^amount_size), amount_log_sd); b2c LogNormal(log(income band median), amount_log_sd); rounded to cents.",
		},
		Coefficients:   m.coefficients(),
		Attributes:     map[string][]level{"lead_source": leadSources},
		EventRates:     m.web,
		MonthWeights:   monthWeights,
		WeekdayWeights: weekdayWeights,
	}
	if cfg.Flat {
		t.Files[FlatFile+"."+ext] = "One row per lead that had not converted by day 14 and whose window closed by as_of: the lead columns, behaviour counted over the first 14 days and converted (0/1), like a CRM export."
	}
	if sum.FlatRows > 0 {
		t.Counts.FlatConversionRate = float64(label) / float64(sum.FlatRows)
	}
	if pCount > 0 {
		t.Counts.MeanPConvert90dDay14 = pSum / float64(pCount)
	}
	for k, n := range byType {
		t.Counts.EventsByType[eventTypeNames[k]] = n
	}
	if cfg.Profile == ProfileB2B {
		t.Attributes["industry"] = b2bIndustries
		t.Attributes["seniority"] = b2bSeniorities
		t.Attributes["job_function"] = b2bFunctions
		t.Attributes["country"] = b2bCountries
	} else {
		t.Attributes["income_band"] = b2cIncomeBands
		t.Attributes["occupation"] = b2cOccupations
		t.Attributes["location"] = b2cLocations
	}
	return t
}

// coefficients lists every number of the model with its meaning.
func (m *model) coefficients() []Coefficient {
	var cs []Coefficient
	add := func(name string, v float64, desc string) {
		cs = append(cs, Coefficient{Name: name, Value: v, Description: desc})
	}
	add("intercept", m.intercept, fmt.Sprintf("Baseline log-hazard of conversion per day, calibrated on %d separately drawn leads so that the expected share converting within 120 days equals the configured rate.", m.calibrationLeads))
	add("intent_hazard", m.intentHazard, "Added to the log-hazard per unit of current intent I(t): leads convert while interest is hot.")
	add("noise_sd", m.noiseSD, "Standard deviation of the lead's hidden log-hazard noise eps, which no data reveal.")
	add("sales_cycle_days", m.salesCycleDays, "Time constant of the sales-cycle ramp 1-exp(-t/tau_c) on the hazard, in days: few deals close in the first days.")
	levels := func(attr string, ls []level, what string) {
		for _, l := range ls {
			add(attr+"="+l.Value, l.Effect, fmt.Sprintf("Added to fit F (and so to the log-hazard) when %s is %s; %.0f%% of leads%s.", attr, l.Value, 100*l.Share, what))
		}
	}
	if m.profile == ProfileB2B {
		add("employees_log10", m.employeesLog10, "Added to fit per tenfold company size: F += employees_log10*(log10(employees)-2), zero at 100 employees. Employees ~ round(exp(N(3.8, 1.5))), clipped to 1..300,000.")
		add("annual_revenue", 0, "Annual revenue has no effect of its own: it is employees*exp(N(log 150000, 0.6)), rounded to thousands, and missing for 25% of leads, so it only echoes company size.")
		levels("industry", b2bIndustries, "")
		levels("seniority", b2bSeniorities, "; director, vp and c_level count as senior for behaviour.pricing_x_senior")
		levels("job_function", b2bFunctions, "; the function is part of job_title")
		levels("country", b2bCountries, "")
	} else {
		add("age_sq", m.ageSq, "Added to fit per squared year away from 40: F += age_sq*(age-40)^2, so interest peaks at 40.")
		levels("income_band", b2cIncomeBands, " overall (students and the unemployed are mostly low income, retirees more often middle)")
		levels("occupation", b2cOccupations, "; students are 18-26, retirees 60-80")
		levels("location", b2cLocations, "")
	}
	levels("lead_source", leadSources, "")

	add("amp_log_mean", m.ampLogMean, "Mean of log intent amplitude A for a lead with F = 0.")
	add("amp_fit", m.ampFit, "Slope of log A on fit F: better-fitting leads are more interested.")
	add("amp_log_sd", m.ampLogSD, "Standard deviation of log A around its mean.")
	add("peak_mean_days", m.peakMeanDays, "Mean of the exponentially distributed time of peak intent tau, in days after creation.")
	add("rise_days", m.riseDays, "Time constant of the exponential rise of intent before its peak, in days.")
	add("half_life_median_days", m.halfLifeMedian, "Median time for intent to halve after its peak, in days.")
	add("half_life_log_sd", m.halfLifeSD, "Standard deviation of the log half-life.")
	add("engage_fit", m.engageFit, "Slope of the log engagement multiplier m on F; m scales every web event rate and the email send rate.")
	add("job_seeker_share", m.jobSeekerShare, "Share of leads who are job seekers rather than buyers.")
	add("job_seeker_careers_multiplier", m.jobSeekerCareers, "How many times more often job seekers view the careers page than other leads.")
	add("bad_email_share", m.badEmailShare, "Share of leads whose email address bounces every email.")
	add("bounce_rate", m.bounceRate, "Probability that an email to a good address bounces.")
	add("send_rate_per_day", m.sendRate, "Marketing emails sent per day (times m) until the lead unsubscribes.")
	add("open_base", m.openBase, "Logit of the probability that a delivered email is opened, at zero intent and F = 0; opens follow the send after an exponential delay of mean 6 hours.")
	add("open_intent", m.openIntent, "Increase of the open logit per unit of intent at send time.")
	add("open_fit", m.openFit, "Increase of the open logit per unit of fit F.")
	add("click_base", m.clickBase, "Logit of the probability that an opened email is clicked, at zero intent.")
	add("click_intent", m.clickIntent, "Increase of the click logit per unit of intent.")
	add("unsub_base", m.unsubBase, "Probability that an opened, unclicked email leads to unsubscribe, at zero intent; no email is sent afterwards.")
	add("unsub_intent", m.unsubIntent, "Rate at which intent lowers the unsubscribe probability: it is multiplied by exp(-unsub_intent*I).")
	for _, w := range m.web {
		name, what := w.Type, w.Type+" events"
		if w.Page != "" {
			name, what = w.Type+"."+w.Page, w.Page+" page views"
		}
		once := ""
		if w.Once {
			once = " Only the first such event is kept."
		}
		add("rate."+name+".base", w.Base, fmt.Sprintf("Expected %s per day at zero intent, before the engagement multiplier m.%s", what, once))
		add("rate."+name+".intent", w.Intent, fmt.Sprintf("Additional expected %s per day per unit of intent I(t), times m.%s", what, once))
	}
	add("keep_after_conversion", m.keepAfter, "Share of web events kept after conversion; email events after conversion are all dropped.")
	if m.profile == ProfileB2B {
		add("amount_median", m.amountMedian, "Median deal amount, currency units, for a 50-employee company.")
		add("amount_size", m.amountSize, "Elasticity of the median deal amount to company size: median = amount_median*(employees/50)^amount_size.")
	} else {
		for i, v := range m.incomeAmounts {
			add("amount_median_"+b2cIncomeBands[i].Value, v, "Median deal amount, currency units, for income band "+b2cIncomeBands[i].Value+".")
		}
	}
	add("amount_log_sd", m.amountLogSD, "Standard deviation of log deal amount around its median.")

	b := m.beh
	lp := func(name string, v float64, what string) {
		add("behaviour."+name, v, fmt.Sprintf("Added to the log-hazard per unit of log(1+%s in the first 14 days, or before the day when earlier); log saturates, so the 20th adds far less than the 2nd.", what))
	}
	flag := func(name string, v float64, what string) {
		add("behaviour."+name, v, fmt.Sprintf("Added to the log-hazard once the lead has %s (counted like the log1p terms).", what))
	}
	lp("visits_log1p", b.Visits, "page views of any page")
	lp("pricing_log1p", b.Pricing, "pricing page views")
	if m.profile == ProfileB2B {
		add("behaviour.pricing_x_senior_log1p", b.PricingSenior, "Added on top of behaviour.pricing_log1p per unit of log(1+pricing page views) when the seniority is director, vp or c_level: pricing interest from a decision maker matters more.")
	}
	lp("product_log1p", b.Product, "product page views")
	lp("contact_log1p", b.Contact, "contact page views")
	lp("directions_log1p", b.Directions, "directions page views")
	lp("careers_log1p", b.Careers, "careers page views (a sign of a job seeker)")
	lp("form_submits_log1p", b.Form, "form submits")
	lp("content_downloads_log1p", b.Download, "content downloads")
	lp("webinars_log1p", b.Webinar, "webinars attended")
	lp("live_chats_log1p", b.Chat, "live chats")
	lp("social_log1p", b.Social, "social interactions")
	lp("email_opens_log1p", b.Open, "email opens")
	lp("email_clicks_log1p", b.Click, "email clicks")
	flag("newsletter_signup", b.Newsletter, "signed up for the newsletter")
	flag("free_trial_signup", b.Trial, "signed up for a free trial")
	flag("demo_request", b.Demo, "requested a demo")
	flag("unsubscribed", b.Unsubscribed, "unsubscribed from email")
	flag("email_bounced", b.Bounced, "had an email bounce")
	return cs
}

// writeJSONFile writes v as indented JSON to path atomically
// (atomicfile.WriteFile: a synced temporary file renamed into place, mode
// 0644). NaN values must not occur.
func writeJSONFile(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("synth: %s: %w", path, err)
	}
	if err := atomicfile.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	return nil
}
