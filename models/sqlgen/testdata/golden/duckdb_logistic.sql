WITH
leads_in AS MATERIALIZED (
SELECT
  CAST("lead_id" AS VARCHAR) AS lead_id,
  epoch_us("created_at") AS created_us,
  1756728000000000 AS cut_us,
  CASE WHEN "industry" IS NULL OR TRIM(CAST("industry" AS VARCHAR), ' ') IN ('', 'NA', 'N/A', 'null', 'NULL', 'nan', 'NaN') THEN NULL ELSE CAST("industry" AS VARCHAR) END AS f0,
  CAST("employees" AS DOUBLE) AS f1,
  CAST("annual_revenue" AS DOUBLE) AS f2,
  CASE WHEN "job_title" IS NULL OR TRIM(CAST("job_title" AS VARCHAR), ' ') IN ('', 'NA', 'N/A', 'null', 'NULL', 'nan', 'NaN') THEN NULL ELSE CAST("job_title" AS VARCHAR) END AS f3,
  CASE WHEN "seniority" IS NULL OR TRIM(CAST("seniority" AS VARCHAR), ' ') IN ('', 'NA', 'N/A', 'null', 'NULL', 'nan', 'NaN') THEN NULL ELSE CAST("seniority" AS VARCHAR) END AS f4,
  CASE WHEN "country" IS NULL OR TRIM(CAST("country" AS VARCHAR), ' ') IN ('', 'NA', 'N/A', 'null', 'NULL', 'nan', 'NaN') THEN NULL ELSE CAST("country" AS VARCHAR) END AS f5,
  CASE WHEN "lead_source" IS NULL OR TRIM(CAST("lead_source" AS VARCHAR), ' ') IN ('', 'NA', 'N/A', 'null', 'NULL', 'nan', 'NaN') THEN NULL ELSE CAST("lead_source" AS VARCHAR) END AS f6
FROM "crm"."leads"
WHERE "lead_id" IS NOT NULL
),
grp AS MATERIALIZED (
SELECT
  lead_id,
  typ, a0, a1,
  CASE WHEN typ IS NULL OR NOT (STRPOS(LOWER(typ), 'mail') > 0) OR (STRPOS(LOWER(typ), 'unsub') > 0) OR (STRPOS(LOWER(typ), 'bounce') > 0) THEN NULL WHEN (STRPOS(LOWER(typ), 'click') > 0) THEN 2 WHEN (STRPOS(LOWER(typ), 'open') > 0) THEN 1 WHEN (STRPOS(LOWER(typ), 'sent') > 0) OR (STRPOS(LOWER(typ), 'send') > 0) OR (STRPOS(LOWER(typ), 'deliver') > 0) THEN 0 END AS em,
  CASE WHEN typ IS NULL THEN NULL WHEN (STRPOS(LOWER(typ), 'unsub') > 0) THEN 0 WHEN (STRPOS(LOWER(typ), 'bounce') > 0) THEN 1 WHEN (STRPOS(LOWER(typ), 'career') > 0) THEN 2 WHEN LOWER(typ) = 'page_view' AND LOWER(a0) IS NOT NULL AND ((STRPOS(LOWER(a0), 'career') > 0) OR (STRPOS(LOWER(a0), 'jobs') > 0)) THEN 2 END AS sg,
  CASE WHEN LOWER(typ) = 'page_view' THEN 1 ELSE 0 END AS pv,
  COUNT(*) AS h0,
  SUM(CASE WHEN age_us <= 86400000000 THEN 1 ELSE 0 END) AS h1,
  SUM(CASE WHEN age_us <= 604800000000 THEN 1 ELSE 0 END) AS h2,
  SUM(CASE WHEN age_us <= 2592000000000 THEN 1 ELSE 0 END) AS h3,
  SUM(CASE WHEN age_us <= 7776000000000 THEN 1 ELSE 0 END) AS h4,
  SUM(FLOOR(POWER((2.0::DOUBLE), -CAST(age_us * 1000 AS DOUBLE) / (1.2096e+15::DOUBLE)) * (4.294967296e+09::DOUBLE) + (0.5::DOUBLE))) AS h5,
  MIN(age_us) AS h6,
  SUM(CASE WHEN age_us * 1000 <= 7776000000000000 THEN 1 ELSE 0 END) AS h7,
  SUM(CASE WHEN age_us * 1000 <= 7776000000000000 THEN (3.0::DOUBLE) * EXP((-0.6931471805599453::DOUBLE) * (CAST(((age_us * 1000)) // (3600000000000) AS DOUBLE) + CAST((age_us * 1000) - ((age_us * 1000)) // (3600000000000) * 3600000000000 AS DOUBLE) / (3.6e+12::DOUBLE)) / (24.0::DOUBLE) / (30.0::DOUBLE)) ELSE 0 END) AS h8,
  SUM(CASE WHEN age_us * 1000 <= 7776000000000000 THEN (7.0::DOUBLE) * EXP((-0.6931471805599453::DOUBLE) * (CAST(((age_us * 1000)) // (3600000000000) AS DOUBLE) + CAST((age_us * 1000) - ((age_us * 1000)) // (3600000000000) * 3600000000000 AS DOUBLE) / (3.6e+12::DOUBLE)) / (24.0::DOUBLE) / (30.0::DOUBLE)) ELSE 0 END) AS h9,
  SUM(CASE WHEN age_us * 1000 <= 2592000000000000 THEN 1 ELSE 0 END) AS h10,
  SUM(CASE WHEN age_us * 1000 <= 2592000000000000 THEN (5.0::DOUBLE) * EXP((-0.6931471805599453::DOUBLE) * (CAST(((age_us * 1000)) // (3600000000000) AS DOUBLE) + CAST((age_us * 1000) - ((age_us * 1000)) // (3600000000000) * 3600000000000 AS DOUBLE) / (3.6e+12::DOUBLE)) / (24.0::DOUBLE) / (30.0::DOUBLE)) ELSE 0 END) AS h11,
  SUM(CASE WHEN age_us * 1000 <= 2592000000000000 THEN (10.0::DOUBLE) * EXP((-0.6931471805599453::DOUBLE) * (CAST(((age_us * 1000)) // (3600000000000) AS DOUBLE) + CAST((age_us * 1000) - ((age_us * 1000)) // (3600000000000) * 3600000000000 AS DOUBLE) / (3.6e+12::DOUBLE)) / (24.0::DOUBLE) / (30.0::DOUBLE)) ELSE 0 END) AS h12,
  SUM((10.0::DOUBLE) * EXP((-0.6931471805599453::DOUBLE) * (CAST(((age_us * 1000)) // (3600000000000) AS DOUBLE) + CAST((age_us * 1000) - ((age_us * 1000)) // (3600000000000) * 3600000000000 AS DOUBLE) / (3.6e+12::DOUBLE)) / (24.0::DOUBLE) / (30.0::DOUBLE))) AS h13,
  SUM((5.0::DOUBLE) * EXP((-0.6931471805599453::DOUBLE) * (CAST(((age_us * 1000)) // (3600000000000) AS DOUBLE) + CAST((age_us * 1000) - ((age_us * 1000)) // (3600000000000) * 3600000000000 AS DOUBLE) / (3.6e+12::DOUBLE)) / (24.0::DOUBLE) / (30.0::DOUBLE))) AS h14
FROM (
SELECT
  CAST("lead_id" AS VARCHAR) AS lead_id,
  (1756728000000000 - epoch_us("timestamp")) AS age_us,
  CASE WHEN "type" IS NULL OR TRIM(CAST("type" AS VARCHAR), ' ') IN ('', 'NA', 'N/A', 'null', 'NULL', 'nan', 'NaN') THEN NULL ELSE CAST("type" AS VARCHAR) END AS typ,
  CASE WHEN "page" IS NULL OR TRIM(CAST("page" AS VARCHAR), ' ') IN ('', 'NA', 'N/A', 'null', 'NULL', 'nan', 'NaN') THEN NULL ELSE CAST("page" AS VARCHAR) END AS a0,
  CASE WHEN "channel" IS NULL OR TRIM(CAST("channel" AS VARCHAR), ' ') IN ('', 'NA', 'N/A', 'null', 'NULL', 'nan', 'NaN') THEN NULL ELSE CAST("channel" AS VARCHAR) END AS a1
FROM "crm"."events" AS e
WHERE epoch_us("timestamp") < 1756728000000000
) AS r
GROUP BY lead_id, typ, a0, a1
),
act AS MATERIALIZED (
SELECT
  lead_id,
  COUNT(DISTINCT (age_us * 1000 - 1) // (86400000000000)) AS active
FROM (
SELECT
  CAST("lead_id" AS VARCHAR) AS lead_id,
  (1756728000000000 - epoch_us("timestamp")) AS age_us
FROM "crm"."events" AS e
WHERE epoch_us("timestamp") < 1756728000000000
) AS r
WHERE age_us * 1000 - 1 < 7776000000000000
GROUP BY lead_id
),
agg AS MATERIALIZED (
SELECT *
FROM (
SELECT
  lead_id,
  SUM(h0) AS g0,
  SUM(h1) AS g1,
  SUM(h2) AS g2,
  SUM(h3) AS g3,
  SUM(h4) AS g4,
  SUM(h5) AS g5,
  MIN(h6) AS g6,
  SUM(CASE WHEN em = 0 THEN h0 ELSE 0 END) AS g7,
  SUM(CASE WHEN em = 1 THEN h0 ELSE 0 END) AS g8,
  SUM(CASE WHEN em = 2 THEN h0 ELSE 0 END) AS g9,
  SUM(CASE WHEN sg = 0 THEN h0 ELSE 0 END) AS g10,
  SUM(CASE WHEN sg = 1 THEN h0 ELSE 0 END) AS g11,
  SUM(CASE WHEN sg = 2 THEN h0 ELSE 0 END) AS g12,
  SUM(CASE WHEN a1 = 'chat' THEN h0 ELSE 0 END) AS g13,
  SUM(CASE WHEN a1 = 'chat' THEN h1 ELSE 0 END) AS g14,
  SUM(CASE WHEN a1 = 'chat' THEN h2 ELSE 0 END) AS g15,
  SUM(CASE WHEN a1 = 'chat' THEN h3 ELSE 0 END) AS g16,
  SUM(CASE WHEN a1 = 'chat' THEN h4 ELSE 0 END) AS g17,
  SUM(CASE WHEN a1 = 'chat' THEN h5 ELSE 0 END) AS g18,
  MIN(CASE WHEN a1 = 'chat' THEN h6 END) AS g19,
  SUM(CASE WHEN a1 = 'email' THEN h0 ELSE 0 END) AS g20,
  SUM(CASE WHEN a1 = 'email' THEN h1 ELSE 0 END) AS g21,
  SUM(CASE WHEN a1 = 'email' THEN h2 ELSE 0 END) AS g22,
  SUM(CASE WHEN a1 = 'email' THEN h3 ELSE 0 END) AS g23,
  SUM(CASE WHEN a1 = 'email' THEN h4 ELSE 0 END) AS g24,
  SUM(CASE WHEN a1 = 'email' THEN h5 ELSE 0 END) AS g25,
  MIN(CASE WHEN a1 = 'email' THEN h6 END) AS g26,
  SUM(CASE WHEN a1 = 'facebook' THEN h0 ELSE 0 END) AS g27,
  SUM(CASE WHEN a1 = 'facebook' THEN h1 ELSE 0 END) AS g28,
  SUM(CASE WHEN a1 = 'facebook' THEN h2 ELSE 0 END) AS g29,
  SUM(CASE WHEN a1 = 'facebook' THEN h3 ELSE 0 END) AS g30,
  SUM(CASE WHEN a1 = 'facebook' THEN h4 ELSE 0 END) AS g31,
  SUM(CASE WHEN a1 = 'facebook' THEN h5 ELSE 0 END) AS g32,
  MIN(CASE WHEN a1 = 'facebook' THEN h6 END) AS g33,
  SUM(CASE WHEN a1 = 'linkedin' THEN h0 ELSE 0 END) AS g34,
  SUM(CASE WHEN a1 = 'linkedin' THEN h1 ELSE 0 END) AS g35,
  SUM(CASE WHEN a1 = 'linkedin' THEN h2 ELSE 0 END) AS g36,
  SUM(CASE WHEN a1 = 'linkedin' THEN h3 ELSE 0 END) AS g37,
  SUM(CASE WHEN a1 = 'linkedin' THEN h4 ELSE 0 END) AS g38,
  SUM(CASE WHEN a1 = 'linkedin' THEN h5 ELSE 0 END) AS g39,
  MIN(CASE WHEN a1 = 'linkedin' THEN h6 END) AS g40,
  SUM(CASE WHEN a1 = 'twitter' THEN h0 ELSE 0 END) AS g41,
  SUM(CASE WHEN a1 = 'twitter' THEN h1 ELSE 0 END) AS g42,
  SUM(CASE WHEN a1 = 'twitter' THEN h2 ELSE 0 END) AS g43,
  SUM(CASE WHEN a1 = 'twitter' THEN h3 ELSE 0 END) AS g44,
  SUM(CASE WHEN a1 = 'twitter' THEN h4 ELSE 0 END) AS g45,
  SUM(CASE WHEN a1 = 'twitter' THEN h5 ELSE 0 END) AS g46,
  MIN(CASE WHEN a1 = 'twitter' THEN h6 END) AS g47,
  SUM(CASE WHEN a1 = 'web' THEN h0 ELSE 0 END) AS g48,
  SUM(CASE WHEN a1 = 'web' THEN h1 ELSE 0 END) AS g49,
  SUM(CASE WHEN a1 = 'web' THEN h2 ELSE 0 END) AS g50,
  SUM(CASE WHEN a1 = 'web' THEN h3 ELSE 0 END) AS g51,
  SUM(CASE WHEN a1 = 'web' THEN h4 ELSE 0 END) AS g52,
  SUM(CASE WHEN a1 = 'web' THEN h5 ELSE 0 END) AS g53,
  MIN(CASE WHEN a1 = 'web' THEN h6 END) AS g54,
  SUM(CASE WHEN a1 = 'webinar' THEN h0 ELSE 0 END) AS g55,
  SUM(CASE WHEN a1 = 'webinar' THEN h1 ELSE 0 END) AS g56,
  SUM(CASE WHEN a1 = 'webinar' THEN h2 ELSE 0 END) AS g57,
  SUM(CASE WHEN a1 = 'webinar' THEN h3 ELSE 0 END) AS g58,
  SUM(CASE WHEN a1 = 'webinar' THEN h4 ELSE 0 END) AS g59,
  SUM(CASE WHEN a1 = 'webinar' THEN h5 ELSE 0 END) AS g60,
  MIN(CASE WHEN a1 = 'webinar' THEN h6 END) AS g61,
  SUM(CASE WHEN typ = 'content_download' THEN h0 ELSE 0 END) AS g62,
  SUM(CASE WHEN typ = 'content_download' THEN h1 ELSE 0 END) AS g63,
  SUM(CASE WHEN typ = 'content_download' THEN h2 ELSE 0 END) AS g64,
  SUM(CASE WHEN typ = 'content_download' THEN h3 ELSE 0 END) AS g65,
  SUM(CASE WHEN typ = 'content_download' THEN h4 ELSE 0 END) AS g66,
  SUM(CASE WHEN typ = 'content_download' THEN h5 ELSE 0 END) AS g67,
  MIN(CASE WHEN typ = 'content_download' THEN h6 END) AS g68,
  SUM(CASE WHEN typ = 'demo_request' THEN h0 ELSE 0 END) AS g69,
  SUM(CASE WHEN typ = 'demo_request' THEN h1 ELSE 0 END) AS g70,
  SUM(CASE WHEN typ = 'demo_request' THEN h2 ELSE 0 END) AS g71,
  SUM(CASE WHEN typ = 'demo_request' THEN h3 ELSE 0 END) AS g72,
  SUM(CASE WHEN typ = 'demo_request' THEN h4 ELSE 0 END) AS g73,
  SUM(CASE WHEN typ = 'demo_request' THEN h5 ELSE 0 END) AS g74,
  MIN(CASE WHEN typ = 'demo_request' THEN h6 END) AS g75,
  SUM(CASE WHEN typ = 'email_bounce' THEN h0 ELSE 0 END) AS g76,
  SUM(CASE WHEN typ = 'email_bounce' THEN h1 ELSE 0 END) AS g77,
  SUM(CASE WHEN typ = 'email_bounce' THEN h2 ELSE 0 END) AS g78,
  SUM(CASE WHEN typ = 'email_bounce' THEN h3 ELSE 0 END) AS g79,
  SUM(CASE WHEN typ = 'email_bounce' THEN h4 ELSE 0 END) AS g80,
  SUM(CASE WHEN typ = 'email_bounce' THEN h5 ELSE 0 END) AS g81,
  MIN(CASE WHEN typ = 'email_bounce' THEN h6 END) AS g82,
  SUM(CASE WHEN typ = 'email_click' THEN h0 ELSE 0 END) AS g83,
  SUM(CASE WHEN typ = 'email_click' THEN h1 ELSE 0 END) AS g84,
  SUM(CASE WHEN typ = 'email_click' THEN h2 ELSE 0 END) AS g85,
  SUM(CASE WHEN typ = 'email_click' THEN h3 ELSE 0 END) AS g86,
  SUM(CASE WHEN typ = 'email_click' THEN h4 ELSE 0 END) AS g87,
  SUM(CASE WHEN typ = 'email_click' THEN h5 ELSE 0 END) AS g88,
  MIN(CASE WHEN typ = 'email_click' THEN h6 END) AS g89,
  SUM(CASE WHEN typ = 'email_open' THEN h0 ELSE 0 END) AS g90,
  SUM(CASE WHEN typ = 'email_open' THEN h1 ELSE 0 END) AS g91,
  SUM(CASE WHEN typ = 'email_open' THEN h2 ELSE 0 END) AS g92,
  SUM(CASE WHEN typ = 'email_open' THEN h3 ELSE 0 END) AS g93,
  SUM(CASE WHEN typ = 'email_open' THEN h4 ELSE 0 END) AS g94,
  SUM(CASE WHEN typ = 'email_open' THEN h5 ELSE 0 END) AS g95,
  MIN(CASE WHEN typ = 'email_open' THEN h6 END) AS g96,
  SUM(CASE WHEN typ = 'email_sent' THEN h0 ELSE 0 END) AS g97,
  SUM(CASE WHEN typ = 'email_sent' THEN h1 ELSE 0 END) AS g98,
  SUM(CASE WHEN typ = 'email_sent' THEN h2 ELSE 0 END) AS g99,
  SUM(CASE WHEN typ = 'email_sent' THEN h3 ELSE 0 END) AS g100,
  SUM(CASE WHEN typ = 'email_sent' THEN h4 ELSE 0 END) AS g101,
  SUM(CASE WHEN typ = 'email_sent' THEN h5 ELSE 0 END) AS g102,
  MIN(CASE WHEN typ = 'email_sent' THEN h6 END) AS g103,
  SUM(CASE WHEN typ = 'email_unsubscribe' THEN h0 ELSE 0 END) AS g104,
  SUM(CASE WHEN typ = 'email_unsubscribe' THEN h1 ELSE 0 END) AS g105,
  SUM(CASE WHEN typ = 'email_unsubscribe' THEN h2 ELSE 0 END) AS g106,
  SUM(CASE WHEN typ = 'email_unsubscribe' THEN h3 ELSE 0 END) AS g107,
  SUM(CASE WHEN typ = 'email_unsubscribe' THEN h4 ELSE 0 END) AS g108,
  SUM(CASE WHEN typ = 'email_unsubscribe' THEN h5 ELSE 0 END) AS g109,
  MIN(CASE WHEN typ = 'email_unsubscribe' THEN h6 END) AS g110,
  SUM(CASE WHEN typ = 'form_submit' THEN h0 ELSE 0 END) AS g111,
  SUM(CASE WHEN typ = 'form_submit' THEN h1 ELSE 0 END) AS g112,
  SUM(CASE WHEN typ = 'form_submit' THEN h2 ELSE 0 END) AS g113,
  SUM(CASE WHEN typ = 'form_submit' THEN h3 ELSE 0 END) AS g114,
  SUM(CASE WHEN typ = 'form_submit' THEN h4 ELSE 0 END) AS g115,
  SUM(CASE WHEN typ = 'form_submit' THEN h5 ELSE 0 END) AS g116,
  MIN(CASE WHEN typ = 'form_submit' THEN h6 END) AS g117,
  SUM(CASE WHEN typ = 'free_trial_signup' THEN h0 ELSE 0 END) AS g118,
  SUM(CASE WHEN typ = 'free_trial_signup' THEN h1 ELSE 0 END) AS g119,
  SUM(CASE WHEN typ = 'free_trial_signup' THEN h2 ELSE 0 END) AS g120,
  SUM(CASE WHEN typ = 'free_trial_signup' THEN h3 ELSE 0 END) AS g121,
  SUM(CASE WHEN typ = 'free_trial_signup' THEN h4 ELSE 0 END) AS g122,
  SUM(CASE WHEN typ = 'free_trial_signup' THEN h5 ELSE 0 END) AS g123,
  MIN(CASE WHEN typ = 'free_trial_signup' THEN h6 END) AS g124,
  SUM(CASE WHEN typ = 'live_chat' THEN h0 ELSE 0 END) AS g125,
  SUM(CASE WHEN typ = 'live_chat' THEN h1 ELSE 0 END) AS g126,
  SUM(CASE WHEN typ = 'live_chat' THEN h2 ELSE 0 END) AS g127,
  SUM(CASE WHEN typ = 'live_chat' THEN h3 ELSE 0 END) AS g128,
  SUM(CASE WHEN typ = 'live_chat' THEN h4 ELSE 0 END) AS g129,
  SUM(CASE WHEN typ = 'live_chat' THEN h5 ELSE 0 END) AS g130,
  MIN(CASE WHEN typ = 'live_chat' THEN h6 END) AS g131,
  SUM(CASE WHEN typ = 'newsletter_signup' THEN h0 ELSE 0 END) AS g132,
  SUM(CASE WHEN typ = 'newsletter_signup' THEN h1 ELSE 0 END) AS g133,
  SUM(CASE WHEN typ = 'newsletter_signup' THEN h2 ELSE 0 END) AS g134,
  SUM(CASE WHEN typ = 'newsletter_signup' THEN h3 ELSE 0 END) AS g135,
  SUM(CASE WHEN typ = 'newsletter_signup' THEN h4 ELSE 0 END) AS g136,
  SUM(CASE WHEN typ = 'newsletter_signup' THEN h5 ELSE 0 END) AS g137,
  MIN(CASE WHEN typ = 'newsletter_signup' THEN h6 END) AS g138,
  SUM(CASE WHEN typ = 'page_view' THEN h0 ELSE 0 END) AS g139,
  SUM(CASE WHEN typ = 'page_view' THEN h1 ELSE 0 END) AS g140,
  SUM(CASE WHEN typ = 'page_view' THEN h2 ELSE 0 END) AS g141,
  SUM(CASE WHEN typ = 'page_view' THEN h3 ELSE 0 END) AS g142,
  SUM(CASE WHEN typ = 'page_view' THEN h4 ELSE 0 END) AS g143,
  SUM(CASE WHEN typ = 'page_view' THEN h5 ELSE 0 END) AS g144,
  MIN(CASE WHEN typ = 'page_view' THEN h6 END) AS g145,
  SUM(CASE WHEN pv = 1 AND a0 = 'blog' THEN h0 ELSE 0 END) AS g146,
  SUM(CASE WHEN pv = 1 AND a0 = 'blog' THEN h1 ELSE 0 END) AS g147,
  SUM(CASE WHEN pv = 1 AND a0 = 'blog' THEN h2 ELSE 0 END) AS g148,
  SUM(CASE WHEN pv = 1 AND a0 = 'blog' THEN h3 ELSE 0 END) AS g149,
  SUM(CASE WHEN pv = 1 AND a0 = 'blog' THEN h4 ELSE 0 END) AS g150,
  SUM(CASE WHEN pv = 1 AND a0 = 'blog' THEN h5 ELSE 0 END) AS g151,
  MIN(CASE WHEN pv = 1 AND a0 = 'blog' THEN h6 END) AS g152,
  SUM(CASE WHEN pv = 1 AND a0 = 'careers' THEN h0 ELSE 0 END) AS g153,
  SUM(CASE WHEN pv = 1 AND a0 = 'careers' THEN h1 ELSE 0 END) AS g154,
  SUM(CASE WHEN pv = 1 AND a0 = 'careers' THEN h2 ELSE 0 END) AS g155,
  SUM(CASE WHEN pv = 1 AND a0 = 'careers' THEN h3 ELSE 0 END) AS g156,
  SUM(CASE WHEN pv = 1 AND a0 = 'careers' THEN h4 ELSE 0 END) AS g157,
  SUM(CASE WHEN pv = 1 AND a0 = 'careers' THEN h5 ELSE 0 END) AS g158,
  MIN(CASE WHEN pv = 1 AND a0 = 'careers' THEN h6 END) AS g159,
  SUM(CASE WHEN pv = 1 AND a0 = 'contact' THEN h0 ELSE 0 END) AS g160,
  SUM(CASE WHEN pv = 1 AND a0 = 'contact' THEN h1 ELSE 0 END) AS g161,
  SUM(CASE WHEN pv = 1 AND a0 = 'contact' THEN h2 ELSE 0 END) AS g162,
  SUM(CASE WHEN pv = 1 AND a0 = 'contact' THEN h3 ELSE 0 END) AS g163,
  SUM(CASE WHEN pv = 1 AND a0 = 'contact' THEN h4 ELSE 0 END) AS g164,
  SUM(CASE WHEN pv = 1 AND a0 = 'contact' THEN h5 ELSE 0 END) AS g165,
  MIN(CASE WHEN pv = 1 AND a0 = 'contact' THEN h6 END) AS g166,
  SUM(CASE WHEN pv = 1 AND a0 = 'directions' THEN h0 ELSE 0 END) AS g167,
  SUM(CASE WHEN pv = 1 AND a0 = 'directions' THEN h1 ELSE 0 END) AS g168,
  SUM(CASE WHEN pv = 1 AND a0 = 'directions' THEN h2 ELSE 0 END) AS g169,
  SUM(CASE WHEN pv = 1 AND a0 = 'directions' THEN h3 ELSE 0 END) AS g170,
  SUM(CASE WHEN pv = 1 AND a0 = 'directions' THEN h4 ELSE 0 END) AS g171,
  SUM(CASE WHEN pv = 1 AND a0 = 'directions' THEN h5 ELSE 0 END) AS g172,
  MIN(CASE WHEN pv = 1 AND a0 = 'directions' THEN h6 END) AS g173,
  SUM(CASE WHEN pv = 1 AND a0 = 'home' THEN h0 ELSE 0 END) AS g174,
  SUM(CASE WHEN pv = 1 AND a0 = 'home' THEN h1 ELSE 0 END) AS g175,
  SUM(CASE WHEN pv = 1 AND a0 = 'home' THEN h2 ELSE 0 END) AS g176,
  SUM(CASE WHEN pv = 1 AND a0 = 'home' THEN h3 ELSE 0 END) AS g177,
  SUM(CASE WHEN pv = 1 AND a0 = 'home' THEN h4 ELSE 0 END) AS g178,
  SUM(CASE WHEN pv = 1 AND a0 = 'home' THEN h5 ELSE 0 END) AS g179,
  MIN(CASE WHEN pv = 1 AND a0 = 'home' THEN h6 END) AS g180,
  SUM(CASE WHEN pv = 1 AND a0 = 'pricing' THEN h0 ELSE 0 END) AS g181,
  SUM(CASE WHEN pv = 1 AND a0 = 'pricing' THEN h1 ELSE 0 END) AS g182,
  SUM(CASE WHEN pv = 1 AND a0 = 'pricing' THEN h2 ELSE 0 END) AS g183,
  SUM(CASE WHEN pv = 1 AND a0 = 'pricing' THEN h3 ELSE 0 END) AS g184,
  SUM(CASE WHEN pv = 1 AND a0 = 'pricing' THEN h4 ELSE 0 END) AS g185,
  SUM(CASE WHEN pv = 1 AND a0 = 'pricing' THEN h5 ELSE 0 END) AS g186,
  MIN(CASE WHEN pv = 1 AND a0 = 'pricing' THEN h6 END) AS g187,
  SUM(CASE WHEN pv = 1 AND a0 = 'product' THEN h0 ELSE 0 END) AS g188,
  SUM(CASE WHEN pv = 1 AND a0 = 'product' THEN h1 ELSE 0 END) AS g189,
  SUM(CASE WHEN pv = 1 AND a0 = 'product' THEN h2 ELSE 0 END) AS g190,
  SUM(CASE WHEN pv = 1 AND a0 = 'product' THEN h3 ELSE 0 END) AS g191,
  SUM(CASE WHEN pv = 1 AND a0 = 'product' THEN h4 ELSE 0 END) AS g192,
  SUM(CASE WHEN pv = 1 AND a0 = 'product' THEN h5 ELSE 0 END) AS g193,
  MIN(CASE WHEN pv = 1 AND a0 = 'product' THEN h6 END) AS g194,
  SUM(CASE WHEN typ = 'social_interaction' THEN h0 ELSE 0 END) AS g195,
  SUM(CASE WHEN typ = 'social_interaction' THEN h1 ELSE 0 END) AS g196,
  SUM(CASE WHEN typ = 'social_interaction' THEN h2 ELSE 0 END) AS g197,
  SUM(CASE WHEN typ = 'social_interaction' THEN h3 ELSE 0 END) AS g198,
  SUM(CASE WHEN typ = 'social_interaction' THEN h4 ELSE 0 END) AS g199,
  SUM(CASE WHEN typ = 'social_interaction' THEN h5 ELSE 0 END) AS g200,
  MIN(CASE WHEN typ = 'social_interaction' THEN h6 END) AS g201,
  SUM(CASE WHEN typ = 'webinar_attended' THEN h0 ELSE 0 END) AS g202,
  SUM(CASE WHEN typ = 'webinar_attended' THEN h1 ELSE 0 END) AS g203,
  SUM(CASE WHEN typ = 'webinar_attended' THEN h2 ELSE 0 END) AS g204,
  SUM(CASE WHEN typ = 'webinar_attended' THEN h3 ELSE 0 END) AS g205,
  SUM(CASE WHEN typ = 'webinar_attended' THEN h4 ELSE 0 END) AS g206,
  SUM(CASE WHEN typ = 'webinar_attended' THEN h5 ELSE 0 END) AS g207,
  MIN(CASE WHEN typ = 'webinar_attended' THEN h6 END) AS g208,
  SUM(CASE WHEN LOWER(TRIM(typ, ' ')) IN ('email_open') THEN h7 ELSE 0 END) AS g209,
  SUM(CASE WHEN LOWER(TRIM(typ, ' ')) IN ('email_open') THEN h8 ELSE 0 END) AS g210,
  SUM(CASE WHEN LOWER(TRIM(typ, ' ')) IN ('email_click') THEN h7 ELSE 0 END) AS g211,
  SUM(CASE WHEN LOWER(TRIM(typ, ' ')) IN ('email_click') THEN h9 ELSE 0 END) AS g212,
  SUM(CASE WHEN LOWER(TRIM(typ, ' ')) IN ('newsletter_signup') THEN h0 ELSE 0 END) AS g213,
  MIN(CASE WHEN LOWER(TRIM(typ, ' ')) IN ('newsletter_signup') THEN h6 END) AS g214,
  SUM(CASE WHEN LOWER(TRIM(typ, ' ')) IN ('email_unsubscribe') THEN h0 ELSE 0 END) AS g215,
  MIN(CASE WHEN LOWER(TRIM(typ, ' ')) IN ('email_unsubscribe') THEN h6 END) AS g216,
  SUM(CASE WHEN LOWER(TRIM(typ, ' ')) IN ('email_bounce') THEN h0 ELSE 0 END) AS g217,
  MIN(CASE WHEN LOWER(TRIM(typ, ' ')) IN ('email_bounce') THEN h6 END) AS g218,
  SUM(CASE WHEN LOWER(TRIM(typ, ' ')) IN ('page_view') THEN h10 ELSE 0 END) AS g219,
  SUM(CASE WHEN LOWER(TRIM(typ, ' ')) IN ('page_view') THEN h11 ELSE 0 END) AS g220,
  SUM(CASE WHEN LOWER(TRIM(typ, ' ')) IN ('page_view') AND LOWER(TRIM(a0, ' ')) IN ('pricing') THEN h10 ELSE 0 END) AS g221,
  SUM(CASE WHEN LOWER(TRIM(typ, ' ')) IN ('page_view') AND LOWER(TRIM(a0, ' ')) IN ('pricing') THEN h12 ELSE 0 END) AS g222,
  SUM(CASE WHEN LOWER(TRIM(typ, ' ')) IN ('page_view') AND LOWER(TRIM(a0, ' ')) IN ('contact', 'directions') THEN h0 ELSE 0 END) AS g223,
  MIN(CASE WHEN LOWER(TRIM(typ, ' ')) IN ('page_view') AND LOWER(TRIM(a0, ' ')) IN ('contact', 'directions') THEN h6 END) AS g224,
  SUM(CASE WHEN LOWER(TRIM(typ, ' ')) IN ('page_view') AND LOWER(TRIM(a0, ' ')) IN ('careers') THEN h0 ELSE 0 END) AS g225,
  MIN(CASE WHEN LOWER(TRIM(typ, ' ')) IN ('page_view') AND LOWER(TRIM(a0, ' ')) IN ('careers') THEN h6 END) AS g226,
  SUM(CASE WHEN LOWER(TRIM(typ, ' ')) IN ('form_submit') THEN h0 ELSE 0 END) AS g227,
  MIN(CASE WHEN LOWER(TRIM(typ, ' ')) IN ('form_submit') THEN h6 END) AS g228,
  SUM(CASE WHEN LOWER(TRIM(typ, ' ')) IN ('content_download') THEN h0 ELSE 0 END) AS g229,
  SUM(CASE WHEN LOWER(TRIM(typ, ' ')) IN ('content_download') THEN h13 ELSE 0 END) AS g230,
  SUM(CASE WHEN LOWER(TRIM(typ, ' ')) IN ('webinar_attended') THEN h0 ELSE 0 END) AS g231,
  MIN(CASE WHEN LOWER(TRIM(typ, ' ')) IN ('webinar_attended') THEN h6 END) AS g232,
  SUM(CASE WHEN LOWER(TRIM(typ, ' ')) IN ('live_chat') THEN h0 ELSE 0 END) AS g233,
  MIN(CASE WHEN LOWER(TRIM(typ, ' ')) IN ('live_chat') THEN h6 END) AS g234,
  SUM(CASE WHEN LOWER(TRIM(typ, ' ')) IN ('social_interaction') THEN h0 ELSE 0 END) AS g235,
  SUM(CASE WHEN LOWER(TRIM(typ, ' ')) IN ('social_interaction') THEN h14 ELSE 0 END) AS g236,
  SUM(CASE WHEN LOWER(TRIM(typ, ' ')) IN ('social_interaction') AND LOWER(TRIM(a1, ' ')) IN ('linkedin') THEN h0 ELSE 0 END) AS g237,
  MIN(CASE WHEN LOWER(TRIM(typ, ' ')) IN ('social_interaction') AND LOWER(TRIM(a1, ' ')) IN ('linkedin') THEN h6 END) AS g238,
  SUM(CASE WHEN LOWER(TRIM(typ, ' ')) IN ('free_trial_signup') THEN h0 ELSE 0 END) AS g239,
  MIN(CASE WHEN LOWER(TRIM(typ, ' ')) IN ('free_trial_signup') THEN h6 END) AS g240,
  SUM(CASE WHEN LOWER(TRIM(typ, ' ')) IN ('demo_request') THEN h0 ELSE 0 END) AS g241,
  MIN(CASE WHEN LOWER(TRIM(typ, ' ')) IN ('demo_request') THEN h6 END) AS g242
FROM grp AS g
GROUP BY lead_id
) AS p
LEFT JOIN act AS t USING (lead_id)
),
base AS MATERIALIZED (
SELECT
  lead_id,
  cut_us,
  CASE WHEN f0 IS NULL THEN NULL WHEN f0 = 'software' THEN 0 WHEN f0 = 'other' THEN 1 WHEN f0 = 'manufacturing' THEN 2 WHEN f0 = 'healthcare' THEN 3 WHEN f0 = 'finance' THEN 4 WHEN f0 = 'retail' THEN 5 WHEN f0 = 'education' THEN 6 WHEN f0 = 'government' THEN 7 ELSE 8 END AS x0,
  f1 AS x1,
  f2 AS x2,
  CASE WHEN f3 IS NULL THEN NULL WHEN f3 = 'Marketing Manager' THEN 0 WHEN f3 = 'Marketing Specialist' THEN 1 WHEN f3 = 'Sales Manager' THEN 2 WHEN f3 = 'Software Engineer' THEN 3 WHEN f3 = 'Account Executive' THEN 4 WHEN f3 = 'IT Manager' THEN 5 WHEN f3 = 'IT Administrator' THEN 6 WHEN f3 = 'Operations Manager' THEN 7 WHEN f3 = 'Engineering Manager' THEN 8 WHEN f3 = 'Finance Manager' THEN 9 WHEN f3 = 'Operations Analyst' THEN 10 WHEN f3 = 'Product Analyst' THEN 11 WHEN f3 = 'Director of Marketing' THEN 12 WHEN f3 = 'Product Manager' THEN 13 WHEN f3 = 'Financial Analyst' THEN 14 WHEN f3 = 'HR Manager' THEN 15 WHEN f3 = 'Senior Account Executive' THEN 16 WHEN f3 = 'Director of Sales' THEN 17 WHEN f3 = 'Director of IT' THEN 18 WHEN f3 = 'Senior Marketing Specialist' THEN 19 WHEN f3 = 'Head of Sales' THEN 20 WHEN f3 = 'VP Marketing' THEN 21 WHEN f3 = 'HR Generalist' THEN 22 WHEN f3 = 'Head of Marketing' THEN 23 WHEN f3 = 'Head of Operations' THEN 24 WHEN f3 = 'VP Product' THEN 25 WHEN f3 = 'VP Engineering' THEN 26 WHEN f3 = 'Director of Engineering' THEN 27 WHEN f3 = 'Head of Engineering' THEN 28 WHEN f3 = 'VP Sales' THEN 29 WHEN f3 = 'Senior IT Administrator' THEN 30 WHEN f3 = 'CEO' THEN 31 WHEN f3 = 'CTO' THEN 32 WHEN f3 = 'VP IT' THEN 33 WHEN f3 = 'Head of HR' THEN 34 WHEN f3 = 'Senior Operations Analyst' THEN 35 WHEN f3 = 'Senior Product Analyst' THEN 36 WHEN f3 = 'VP of Sales' THEN 37 WHEN f3 = 'CMO' THEN 38 WHEN f3 = 'Director of Product' THEN 39 WHEN f3 = 'Head of Finance' THEN 40 WHEN f3 = 'Senior Software Engineer' THEN 41 WHEN f3 = 'CIO' THEN 42 WHEN f3 = 'CHRO' THEN 43 WHEN f3 = 'Head of IT' THEN 44 WHEN f3 = 'Senior HR Generalist' THEN 45 WHEN f3 = 'VP Operations' THEN 46 WHEN f3 = 'VP of Engineering' THEN 47 WHEN f3 = 'CRO' THEN 48 WHEN f3 = 'Director of Operations' THEN 49 WHEN f3 = 'VP of IT' THEN 50 WHEN f3 = 'Director of Finance' THEN 51 WHEN f3 = 'Director of HR' THEN 52 WHEN f3 = 'Senior Financial Analyst' THEN 53 WHEN f3 = 'VP Finance' THEN 54 WHEN f3 = 'VP of Product' THEN 55 WHEN f3 = 'hr manager' THEN 56 WHEN f3 = 'Head of Product' THEN 57 WHEN f3 = 'CPO' THEN 58 WHEN f3 = 'VP HR' THEN 59 WHEN f3 = 'VP of Operations' THEN 60 WHEN f3 = 'financial analyst' THEN 61 WHEN f3 = 'head of marketing' THEN 62 WHEN f3 = 'sales manager' THEN 63 WHEN f3 = 'senior account executive' THEN 64 ELSE 65 END AS x3,
  CASE WHEN f4 IS NULL THEN NULL WHEN f4 = 'individual_contributor' THEN 0 WHEN f4 = 'manager' THEN 1 WHEN f4 = 'director' THEN 2 WHEN f4 = 'vp' THEN 3 WHEN f4 = 'c_level' THEN 4 ELSE 5 END AS x4,
  CASE WHEN f5 IS NULL THEN NULL WHEN f5 = 'United States' THEN 0 WHEN f5 = 'United Kingdom' THEN 1 WHEN f5 = 'India' THEN 2 WHEN f5 = 'Germany' THEN 3 WHEN f5 = 'Canada' THEN 4 WHEN f5 = 'France' THEN 5 WHEN f5 = 'Australia' THEN 6 WHEN f5 = 'Brazil' THEN 7 WHEN f5 = 'Netherlands' THEN 8 WHEN f5 = 'Other' THEN 9 WHEN f5 = 'Singapore' THEN 10 ELSE 11 END AS x5,
  CASE WHEN f6 IS NULL THEN NULL WHEN f6 = 'organic_search' THEN 0 WHEN f6 = 'paid_search' THEN 1 WHEN f6 = 'email_campaign' THEN 2 WHEN f6 = 'social' THEN 3 WHEN f6 = 'direct' THEN 4 WHEN f6 = 'webinar' THEN 5 WHEN f6 = 'referral' THEN 6 WHEN f6 = 'event' THEN 7 ELSE 8 END AS x6,
  CASE WHEN created_us IS NULL OR created_us > cut_us THEN NULL ELSE CAST((cut_us - created_us) * 1000 AS DOUBLE) / (8.64e+13::DOUBLE) END AS x7,
  CASE WHEN created_us IS NULL THEN NULL WHEN ((created_us) // (3600000000) - ((created_us) // (3600000000)) // (24) * 24) = 0 THEN 6 WHEN ((created_us) // (3600000000) - ((created_us) // (3600000000)) // (24) * 24) = 1 THEN 10 WHEN ((created_us) // (3600000000) - ((created_us) // (3600000000)) // (24) * 24) = 2 THEN 3 WHEN ((created_us) // (3600000000) - ((created_us) // (3600000000)) // (24) * 24) = 3 THEN 7 WHEN ((created_us) // (3600000000) - ((created_us) // (3600000000)) // (24) * 24) = 4 THEN 22 WHEN ((created_us) // (3600000000) - ((created_us) // (3600000000)) // (24) * 24) = 5 THEN 20 WHEN ((created_us) // (3600000000) - ((created_us) // (3600000000)) // (24) * 24) = 6 THEN 15 WHEN ((created_us) // (3600000000) - ((created_us) // (3600000000)) // (24) * 24) = 7 THEN 9 WHEN ((created_us) // (3600000000) - ((created_us) // (3600000000)) // (24) * 24) = 8 THEN 19 WHEN ((created_us) // (3600000000) - ((created_us) // (3600000000)) // (24) * 24) = 9 THEN 2 WHEN ((created_us) // (3600000000) - ((created_us) // (3600000000)) // (24) * 24) = 10 THEN 0 WHEN ((created_us) // (3600000000) - ((created_us) // (3600000000)) // (24) * 24) = 11 THEN 13 WHEN ((created_us) // (3600000000) - ((created_us) // (3600000000)) // (24) * 24) = 12 THEN 14 WHEN ((created_us) // (3600000000) - ((created_us) // (3600000000)) // (24) * 24) = 13 THEN 17 WHEN ((created_us) // (3600000000) - ((created_us) // (3600000000)) // (24) * 24) = 14 THEN 11 WHEN ((created_us) // (3600000000) - ((created_us) // (3600000000)) // (24) * 24) = 15 THEN 8 WHEN ((created_us) // (3600000000) - ((created_us) // (3600000000)) // (24) * 24) = 16 THEN 18 WHEN ((created_us) // (3600000000) - ((created_us) // (3600000000)) // (24) * 24) = 17 THEN 4 WHEN ((created_us) // (3600000000) - ((created_us) // (3600000000)) // (24) * 24) = 18 THEN 21 WHEN ((created_us) // (3600000000) - ((created_us) // (3600000000)) // (24) * 24) = 19 THEN 5 WHEN ((created_us) // (3600000000) - ((created_us) // (3600000000)) // (24) * 24) = 20 THEN 1 WHEN ((created_us) // (3600000000) - ((created_us) // (3600000000)) // (24) * 24) = 21 THEN 16 WHEN ((created_us) // (3600000000) - ((created_us) // (3600000000)) // (24) * 24) = 22 THEN 23 WHEN ((created_us) // (3600000000) - ((created_us) // (3600000000)) // (24) * 24) = 23 THEN 12 END AS x8,
  CASE WHEN created_us IS NULL THEN NULL WHEN (((created_us) // (86400000000) + 4) - (((created_us) // (86400000000) + 4)) // (7) * 7) = 0 THEN 5 WHEN (((created_us) // (86400000000) + 4) - (((created_us) // (86400000000) + 4)) // (7) * 7) = 1 THEN 2 WHEN (((created_us) // (86400000000) + 4) - (((created_us) // (86400000000) + 4)) // (7) * 7) = 2 THEN 0 WHEN (((created_us) // (86400000000) + 4) - (((created_us) // (86400000000) + 4)) // (7) * 7) = 3 THEN 1 WHEN (((created_us) // (86400000000) + 4) - (((created_us) // (86400000000) + 4)) // (7) * 7) = 4 THEN 4 WHEN (((created_us) // (86400000000) + 4) - (((created_us) // (86400000000) + 4)) // (7) * 7) = 5 THEN 3 WHEN (((created_us) // (86400000000) + 4) - (((created_us) // (86400000000) + 4)) // (7) * 7) = 6 THEN 6 END AS x9,
  CAST(COALESCE(g1, 0) AS DOUBLE) AS x10,
  CAST(COALESCE(g2, 0) AS DOUBLE) AS x11,
  CAST(COALESCE(g3, 0) AS DOUBLE) AS x12,
  CAST(COALESCE(g4, 0) AS DOUBLE) AS x13,
  CAST(COALESCE(g5, 0) AS DOUBLE) / (4.294967296e+09::DOUBLE) AS x14,
  CASE WHEN COALESCE(g0, 0) = 0 THEN NULL ELSE CAST(g6 * 1000 AS DOUBLE) / (8.64e+13::DOUBLE) END AS x15,
  CAST(COALESCE(active, 0) AS DOUBLE) AS x16,
  CASE WHEN COALESCE(g7, 0) = 0 THEN NULL ELSE CAST(COALESCE(g8, 0) AS DOUBLE) / CAST(COALESCE(g7, 0) AS DOUBLE) END AS x17,
  CASE WHEN COALESCE(g8, 0) = 0 THEN NULL ELSE CAST(COALESCE(g9, 0) AS DOUBLE) / CAST(COALESCE(g8, 0) AS DOUBLE) END AS x18,
  CASE WHEN COALESCE(g10, 0) > 0 THEN (1.0::DOUBLE) ELSE (0.0::DOUBLE) END AS x19,
  CASE WHEN COALESCE(g11, 0) > 0 THEN (1.0::DOUBLE) ELSE (0.0::DOUBLE) END AS x20,
  CASE WHEN COALESCE(g12, 0) > 0 THEN (1.0::DOUBLE) ELSE (0.0::DOUBLE) END AS x21,
  CAST(COALESCE(g14, 0) AS DOUBLE) AS x22,
  CAST(COALESCE(g15, 0) AS DOUBLE) AS x23,
  CAST(COALESCE(g16, 0) AS DOUBLE) AS x24,
  CAST(COALESCE(g17, 0) AS DOUBLE) AS x25,
  CAST(COALESCE(g18, 0) AS DOUBLE) / (4.294967296e+09::DOUBLE) AS x26,
  CASE WHEN COALESCE(g13, 0) = 0 THEN NULL ELSE CAST(g19 * 1000 AS DOUBLE) / (8.64e+13::DOUBLE) END AS x27,
  CAST(COALESCE(g21, 0) AS DOUBLE) AS x28,
  CAST(COALESCE(g22, 0) AS DOUBLE) AS x29,
  CAST(COALESCE(g23, 0) AS DOUBLE) AS x30,
  CAST(COALESCE(g24, 0) AS DOUBLE) AS x31,
  CAST(COALESCE(g25, 0) AS DOUBLE) / (4.294967296e+09::DOUBLE) AS x32,
  CASE WHEN COALESCE(g20, 0) = 0 THEN NULL ELSE CAST(g26 * 1000 AS DOUBLE) / (8.64e+13::DOUBLE) END AS x33,
  CAST(COALESCE(g28, 0) AS DOUBLE) AS x34,
  CAST(COALESCE(g29, 0) AS DOUBLE) AS x35,
  CAST(COALESCE(g30, 0) AS DOUBLE) AS x36,
  CAST(COALESCE(g31, 0) AS DOUBLE) AS x37,
  CAST(COALESCE(g32, 0) AS DOUBLE) / (4.294967296e+09::DOUBLE) AS x38,
  CASE WHEN COALESCE(g27, 0) = 0 THEN NULL ELSE CAST(g33 * 1000 AS DOUBLE) / (8.64e+13::DOUBLE) END AS x39,
  CAST(COALESCE(g35, 0) AS DOUBLE) AS x40,
  CAST(COALESCE(g36, 0) AS DOUBLE) AS x41,
  CAST(COALESCE(g37, 0) AS DOUBLE) AS x42,
  CAST(COALESCE(g38, 0) AS DOUBLE) AS x43,
  CAST(COALESCE(g39, 0) AS DOUBLE) / (4.294967296e+09::DOUBLE) AS x44,
  CASE WHEN COALESCE(g34, 0) = 0 THEN NULL ELSE CAST(g40 * 1000 AS DOUBLE) / (8.64e+13::DOUBLE) END AS x45,
  CAST(COALESCE(g42, 0) AS DOUBLE) AS x46,
  CAST(COALESCE(g43, 0) AS DOUBLE) AS x47,
  CAST(COALESCE(g44, 0) AS DOUBLE) AS x48,
  CAST(COALESCE(g45, 0) AS DOUBLE) AS x49,
  CAST(COALESCE(g46, 0) AS DOUBLE) / (4.294967296e+09::DOUBLE) AS x50,
  CASE WHEN COALESCE(g41, 0) = 0 THEN NULL ELSE CAST(g47 * 1000 AS DOUBLE) / (8.64e+13::DOUBLE) END AS x51,
  CAST(COALESCE(g49, 0) AS DOUBLE) AS x52,
  CAST(COALESCE(g50, 0) AS DOUBLE) AS x53,
  CAST(COALESCE(g51, 0) AS DOUBLE) AS x54,
  CAST(COALESCE(g52, 0) AS DOUBLE) AS x55,
  CAST(COALESCE(g53, 0) AS DOUBLE) / (4.294967296e+09::DOUBLE) AS x56,
  CASE WHEN COALESCE(g48, 0) = 0 THEN NULL ELSE CAST(g54 * 1000 AS DOUBLE) / (8.64e+13::DOUBLE) END AS x57,
  CAST(COALESCE(g56, 0) AS DOUBLE) AS x58,
  CAST(COALESCE(g57, 0) AS DOUBLE) AS x59,
  CAST(COALESCE(g58, 0) AS DOUBLE) AS x60,
  CAST(COALESCE(g59, 0) AS DOUBLE) AS x61,
  CAST(COALESCE(g60, 0) AS DOUBLE) / (4.294967296e+09::DOUBLE) AS x62,
  CASE WHEN COALESCE(g55, 0) = 0 THEN NULL ELSE CAST(g61 * 1000 AS DOUBLE) / (8.64e+13::DOUBLE) END AS x63,
  CAST(COALESCE(g63, 0) AS DOUBLE) AS x64,
  CAST(COALESCE(g64, 0) AS DOUBLE) AS x65,
  CAST(COALESCE(g65, 0) AS DOUBLE) AS x66,
  CAST(COALESCE(g66, 0) AS DOUBLE) AS x67,
  CAST(COALESCE(g67, 0) AS DOUBLE) / (4.294967296e+09::DOUBLE) AS x68,
  CASE WHEN COALESCE(g62, 0) = 0 THEN NULL ELSE CAST(g68 * 1000 AS DOUBLE) / (8.64e+13::DOUBLE) END AS x69,
  CAST(COALESCE(g70, 0) AS DOUBLE) AS x70,
  CAST(COALESCE(g71, 0) AS DOUBLE) AS x71,
  CAST(COALESCE(g72, 0) AS DOUBLE) AS x72,
  CAST(COALESCE(g73, 0) AS DOUBLE) AS x73,
  CAST(COALESCE(g74, 0) AS DOUBLE) / (4.294967296e+09::DOUBLE) AS x74,
  CASE WHEN COALESCE(g69, 0) = 0 THEN NULL ELSE CAST(g75 * 1000 AS DOUBLE) / (8.64e+13::DOUBLE) END AS x75,
  CAST(COALESCE(g77, 0) AS DOUBLE) AS x76,
  CAST(COALESCE(g78, 0) AS DOUBLE) AS x77,
  CAST(COALESCE(g79, 0) AS DOUBLE) AS x78,
  CAST(COALESCE(g80, 0) AS DOUBLE) AS x79,
  CAST(COALESCE(g81, 0) AS DOUBLE) / (4.294967296e+09::DOUBLE) AS x80,
  CASE WHEN COALESCE(g76, 0) = 0 THEN NULL ELSE CAST(g82 * 1000 AS DOUBLE) / (8.64e+13::DOUBLE) END AS x81,
  CAST(COALESCE(g84, 0) AS DOUBLE) AS x82,
  CAST(COALESCE(g85, 0) AS DOUBLE) AS x83,
  CAST(COALESCE(g86, 0) AS DOUBLE) AS x84,
  CAST(COALESCE(g87, 0) AS DOUBLE) AS x85,
  CAST(COALESCE(g88, 0) AS DOUBLE) / (4.294967296e+09::DOUBLE) AS x86,
  CASE WHEN COALESCE(g83, 0) = 0 THEN NULL ELSE CAST(g89 * 1000 AS DOUBLE) / (8.64e+13::DOUBLE) END AS x87,
  CAST(COALESCE(g91, 0) AS DOUBLE) AS x88,
  CAST(COALESCE(g92, 0) AS DOUBLE) AS x89,
  CAST(COALESCE(g93, 0) AS DOUBLE) AS x90,
  CAST(COALESCE(g94, 0) AS DOUBLE) AS x91,
  CAST(COALESCE(g95, 0) AS DOUBLE) / (4.294967296e+09::DOUBLE) AS x92,
  CASE WHEN COALESCE(g90, 0) = 0 THEN NULL ELSE CAST(g96 * 1000 AS DOUBLE) / (8.64e+13::DOUBLE) END AS x93,
  CAST(COALESCE(g98, 0) AS DOUBLE) AS x94,
  CAST(COALESCE(g99, 0) AS DOUBLE) AS x95,
  CAST(COALESCE(g100, 0) AS DOUBLE) AS x96,
  CAST(COALESCE(g101, 0) AS DOUBLE) AS x97,
  CAST(COALESCE(g102, 0) AS DOUBLE) / (4.294967296e+09::DOUBLE) AS x98,
  CASE WHEN COALESCE(g97, 0) = 0 THEN NULL ELSE CAST(g103 * 1000 AS DOUBLE) / (8.64e+13::DOUBLE) END AS x99,
  CAST(COALESCE(g105, 0) AS DOUBLE) AS x100,
  CAST(COALESCE(g106, 0) AS DOUBLE) AS x101,
  CAST(COALESCE(g107, 0) AS DOUBLE) AS x102,
  CAST(COALESCE(g108, 0) AS DOUBLE) AS x103,
  CAST(COALESCE(g109, 0) AS DOUBLE) / (4.294967296e+09::DOUBLE) AS x104,
  CASE WHEN COALESCE(g104, 0) = 0 THEN NULL ELSE CAST(g110 * 1000 AS DOUBLE) / (8.64e+13::DOUBLE) END AS x105,
  CAST(COALESCE(g112, 0) AS DOUBLE) AS x106,
  CAST(COALESCE(g113, 0) AS DOUBLE) AS x107,
  CAST(COALESCE(g114, 0) AS DOUBLE) AS x108,
  CAST(COALESCE(g115, 0) AS DOUBLE) AS x109,
  CAST(COALESCE(g116, 0) AS DOUBLE) / (4.294967296e+09::DOUBLE) AS x110,
  CASE WHEN COALESCE(g111, 0) = 0 THEN NULL ELSE CAST(g117 * 1000 AS DOUBLE) / (8.64e+13::DOUBLE) END AS x111,
  CAST(COALESCE(g119, 0) AS DOUBLE) AS x112,
  CAST(COALESCE(g120, 0) AS DOUBLE) AS x113,
  CAST(COALESCE(g121, 0) AS DOUBLE) AS x114,
  CAST(COALESCE(g122, 0) AS DOUBLE) AS x115,
  CAST(COALESCE(g123, 0) AS DOUBLE) / (4.294967296e+09::DOUBLE) AS x116,
  CASE WHEN COALESCE(g118, 0) = 0 THEN NULL ELSE CAST(g124 * 1000 AS DOUBLE) / (8.64e+13::DOUBLE) END AS x117,
  CAST(COALESCE(g126, 0) AS DOUBLE) AS x118,
  CAST(COALESCE(g127, 0) AS DOUBLE) AS x119,
  CAST(COALESCE(g128, 0) AS DOUBLE) AS x120,
  CAST(COALESCE(g129, 0) AS DOUBLE) AS x121,
  CAST(COALESCE(g130, 0) AS DOUBLE) / (4.294967296e+09::DOUBLE) AS x122,
  CASE WHEN COALESCE(g125, 0) = 0 THEN NULL ELSE CAST(g131 * 1000 AS DOUBLE) / (8.64e+13::DOUBLE) END AS x123,
  CAST(COALESCE(g133, 0) AS DOUBLE) AS x124,
  CAST(COALESCE(g134, 0) AS DOUBLE) AS x125,
  CAST(COALESCE(g135, 0) AS DOUBLE) AS x126,
  CAST(COALESCE(g136, 0) AS DOUBLE) AS x127,
  CAST(COALESCE(g137, 0) AS DOUBLE) / (4.294967296e+09::DOUBLE) AS x128,
  CASE WHEN COALESCE(g132, 0) = 0 THEN NULL ELSE CAST(g138 * 1000 AS DOUBLE) / (8.64e+13::DOUBLE) END AS x129,
  CAST(COALESCE(g140, 0) AS DOUBLE) AS x130,
  CAST(COALESCE(g141, 0) AS DOUBLE) AS x131,
  CAST(COALESCE(g142, 0) AS DOUBLE) AS x132,
  CAST(COALESCE(g143, 0) AS DOUBLE) AS x133,
  CAST(COALESCE(g144, 0) AS DOUBLE) / (4.294967296e+09::DOUBLE) AS x134,
  CASE WHEN COALESCE(g139, 0) = 0 THEN NULL ELSE CAST(g145 * 1000 AS DOUBLE) / (8.64e+13::DOUBLE) END AS x135,
  CAST(COALESCE(g147, 0) AS DOUBLE) AS x136,
  CAST(COALESCE(g148, 0) AS DOUBLE) AS x137,
  CAST(COALESCE(g149, 0) AS DOUBLE) AS x138,
  CAST(COALESCE(g150, 0) AS DOUBLE) AS x139,
  CAST(COALESCE(g151, 0) AS DOUBLE) / (4.294967296e+09::DOUBLE) AS x140,
  CASE WHEN COALESCE(g146, 0) = 0 THEN NULL ELSE CAST(g152 * 1000 AS DOUBLE) / (8.64e+13::DOUBLE) END AS x141,
  CAST(COALESCE(g154, 0) AS DOUBLE) AS x142,
  CAST(COALESCE(g155, 0) AS DOUBLE) AS x143,
  CAST(COALESCE(g156, 0) AS DOUBLE) AS x144,
  CAST(COALESCE(g157, 0) AS DOUBLE) AS x145,
  CAST(COALESCE(g158, 0) AS DOUBLE) / (4.294967296e+09::DOUBLE) AS x146,
  CASE WHEN COALESCE(g153, 0) = 0 THEN NULL ELSE CAST(g159 * 1000 AS DOUBLE) / (8.64e+13::DOUBLE) END AS x147,
  CAST(COALESCE(g161, 0) AS DOUBLE) AS x148,
  CAST(COALESCE(g162, 0) AS DOUBLE) AS x149,
  CAST(COALESCE(g163, 0) AS DOUBLE) AS x150,
  CAST(COALESCE(g164, 0) AS DOUBLE) AS x151,
  CAST(COALESCE(g165, 0) AS DOUBLE) / (4.294967296e+09::DOUBLE) AS x152,
  CASE WHEN COALESCE(g160, 0) = 0 THEN NULL ELSE CAST(g166 * 1000 AS DOUBLE) / (8.64e+13::DOUBLE) END AS x153,
  CAST(COALESCE(g168, 0) AS DOUBLE) AS x154,
  CAST(COALESCE(g169, 0) AS DOUBLE) AS x155,
  CAST(COALESCE(g170, 0) AS DOUBLE) AS x156,
  CAST(COALESCE(g171, 0) AS DOUBLE) AS x157,
  CAST(COALESCE(g172, 0) AS DOUBLE) / (4.294967296e+09::DOUBLE) AS x158,
  CASE WHEN COALESCE(g167, 0) = 0 THEN NULL ELSE CAST(g173 * 1000 AS DOUBLE) / (8.64e+13::DOUBLE) END AS x159,
  CAST(COALESCE(g175, 0) AS DOUBLE) AS x160,
  CAST(COALESCE(g176, 0) AS DOUBLE) AS x161,
  CAST(COALESCE(g177, 0) AS DOUBLE) AS x162,
  CAST(COALESCE(g178, 0) AS DOUBLE) AS x163,
  CAST(COALESCE(g179, 0) AS DOUBLE) / (4.294967296e+09::DOUBLE) AS x164,
  CASE WHEN COALESCE(g174, 0) = 0 THEN NULL ELSE CAST(g180 * 1000 AS DOUBLE) / (8.64e+13::DOUBLE) END AS x165,
  CAST(COALESCE(g182, 0) AS DOUBLE) AS x166,
  CAST(COALESCE(g183, 0) AS DOUBLE) AS x167,
  CAST(COALESCE(g184, 0) AS DOUBLE) AS x168,
  CAST(COALESCE(g185, 0) AS DOUBLE) AS x169,
  CAST(COALESCE(g186, 0) AS DOUBLE) / (4.294967296e+09::DOUBLE) AS x170,
  CASE WHEN COALESCE(g181, 0) = 0 THEN NULL ELSE CAST(g187 * 1000 AS DOUBLE) / (8.64e+13::DOUBLE) END AS x171,
  CAST(COALESCE(g189, 0) AS DOUBLE) AS x172,
  CAST(COALESCE(g190, 0) AS DOUBLE) AS x173,
  CAST(COALESCE(g191, 0) AS DOUBLE) AS x174,
  CAST(COALESCE(g192, 0) AS DOUBLE) AS x175,
  CAST(COALESCE(g193, 0) AS DOUBLE) / (4.294967296e+09::DOUBLE) AS x176,
  CASE WHEN COALESCE(g188, 0) = 0 THEN NULL ELSE CAST(g194 * 1000 AS DOUBLE) / (8.64e+13::DOUBLE) END AS x177,
  CAST(COALESCE(g196, 0) AS DOUBLE) AS x178,
  CAST(COALESCE(g197, 0) AS DOUBLE) AS x179,
  CAST(COALESCE(g198, 0) AS DOUBLE) AS x180,
  CAST(COALESCE(g199, 0) AS DOUBLE) AS x181,
  CAST(COALESCE(g200, 0) AS DOUBLE) / (4.294967296e+09::DOUBLE) AS x182,
  CASE WHEN COALESCE(g195, 0) = 0 THEN NULL ELSE CAST(g201 * 1000 AS DOUBLE) / (8.64e+13::DOUBLE) END AS x183,
  CAST(COALESCE(g203, 0) AS DOUBLE) AS x184,
  CAST(COALESCE(g204, 0) AS DOUBLE) AS x185,
  CAST(COALESCE(g205, 0) AS DOUBLE) AS x186,
  CAST(COALESCE(g206, 0) AS DOUBLE) AS x187,
  CAST(COALESCE(g207, 0) AS DOUBLE) / (4.294967296e+09::DOUBLE) AS x188,
  CASE WHEN COALESCE(g202, 0) = 0 THEN NULL ELSE CAST(g208 * 1000 AS DOUBLE) / (8.64e+13::DOUBLE) END AS x189,
  CASE WHEN (f4 IS NOT NULL AND LOWER(TRIM(f4, ' ')) = 'c_level') THEN 1 ELSE 0 END AS rf0,
  CASE WHEN (f4 IS NOT NULL AND LOWER(TRIM(f4, ' ')) = 'c_level') THEN (15.0::DOUBLE) ELSE (0.0::DOUBLE) END AS rp0,
  CASE WHEN (f4 IS NOT NULL AND (LOWER(TRIM(f4, ' ')) = 'vp' OR LOWER(TRIM(f4, ' ')) = 'director')) THEN 1 ELSE 0 END AS rf1,
  CASE WHEN (f4 IS NOT NULL AND (LOWER(TRIM(f4, ' ')) = 'vp' OR LOWER(TRIM(f4, ' ')) = 'director')) THEN (12.0::DOUBLE) ELSE (0.0::DOUBLE) END AS rp1,
  CASE WHEN (f4 IS NOT NULL AND LOWER(TRIM(f4, ' ')) = 'manager') THEN 1 ELSE 0 END AS rf2,
  CASE WHEN (f4 IS NOT NULL AND LOWER(TRIM(f4, ' ')) = 'manager') THEN (6.0::DOUBLE) ELSE (0.0::DOUBLE) END AS rp2,
  CASE WHEN (f1 IS NOT NULL AND (f1 IS NOT NULL AND f1 >= (200.0::DOUBLE))) THEN 1 ELSE 0 END AS rf3,
  CASE WHEN (f1 IS NOT NULL AND (f1 IS NOT NULL AND f1 >= (200.0::DOUBLE))) THEN (10.0::DOUBLE) ELSE (0.0::DOUBLE) END AS rp3,
  CASE WHEN (f1 IS NOT NULL AND (f1 IS NOT NULL AND f1 >= (50.0::DOUBLE) AND f1 <= (199.0::DOUBLE))) THEN 1 ELSE 0 END AS rf4,
  CASE WHEN (f1 IS NOT NULL AND (f1 IS NOT NULL AND f1 >= (50.0::DOUBLE) AND f1 <= (199.0::DOUBLE))) THEN (5.0::DOUBLE) ELSE (0.0::DOUBLE) END AS rp4,
  CASE WHEN (f1 IS NOT NULL AND (f1 IS NOT NULL AND f1 <= (9.0::DOUBLE))) THEN 1 ELSE 0 END AS rf5,
  CASE WHEN (f1 IS NOT NULL AND (f1 IS NOT NULL AND f1 <= (9.0::DOUBLE))) THEN (-5.0::DOUBLE) ELSE (0.0::DOUBLE) END AS rp5,
  CASE WHEN (f2 IS NOT NULL AND (f2 IS NOT NULL AND f2 >= (1e+07::DOUBLE))) THEN 1 ELSE 0 END AS rf6,
  CASE WHEN (f2 IS NOT NULL AND (f2 IS NOT NULL AND f2 >= (1e+07::DOUBLE))) THEN (5.0::DOUBLE) ELSE (0.0::DOUBLE) END AS rp6,
  CASE WHEN (f0 IS NOT NULL AND (LOWER(TRIM(f0, ' ')) = 'software' OR LOWER(TRIM(f0, ' ')) = 'finance')) THEN 1 ELSE 0 END AS rf7,
  CASE WHEN (f0 IS NOT NULL AND (LOWER(TRIM(f0, ' ')) = 'software' OR LOWER(TRIM(f0, ' ')) = 'finance')) THEN (10.0::DOUBLE) ELSE (0.0::DOUBLE) END AS rp7,
  CASE WHEN (f0 IS NOT NULL AND (LOWER(TRIM(f0, ' ')) = 'healthcare' OR LOWER(TRIM(f0, ' ')) = 'manufacturing')) THEN 1 ELSE 0 END AS rf8,
  CASE WHEN (f0 IS NOT NULL AND (LOWER(TRIM(f0, ' ')) = 'healthcare' OR LOWER(TRIM(f0, ' ')) = 'manufacturing')) THEN (5.0::DOUBLE) ELSE (0.0::DOUBLE) END AS rp8,
  CASE WHEN (f0 IS NOT NULL AND (LOWER(TRIM(f0, ' ')) = 'education' OR LOWER(TRIM(f0, ' ')) = 'government')) THEN 1 ELSE 0 END AS rf9,
  CASE WHEN (f0 IS NOT NULL AND (LOWER(TRIM(f0, ' ')) = 'education' OR LOWER(TRIM(f0, ' ')) = 'government')) THEN (-5.0::DOUBLE) ELSE (0.0::DOUBLE) END AS rp9,
  CASE WHEN f1 IS NULL THEN 1 ELSE 0 END AS rf10,
  CASE WHEN f1 IS NULL THEN (-3.0::DOUBLE) ELSE (0.0::DOUBLE) END AS rp10,
  CASE WHEN (f5 IS NOT NULL AND (LOWER(TRIM(f5, ' ')) = 'united states' OR LOWER(TRIM(f5, ' ')) = 'united kingdom' OR LOWER(TRIM(f5, ' ')) = 'canada')) THEN 1 ELSE 0 END AS rf11,
  CASE WHEN (f5 IS NOT NULL AND (LOWER(TRIM(f5, ' ')) = 'united states' OR LOWER(TRIM(f5, ' ')) = 'united kingdom' OR LOWER(TRIM(f5, ' ')) = 'canada')) THEN (3.0::DOUBLE) ELSE (0.0::DOUBLE) END AS rp11,
  CASE WHEN (f3 IS NOT NULL AND (STRPOS(LOWER(TRIM(f3, ' ')), 'marketing') > 0)) THEN 1 ELSE 0 END AS rf12,
  CASE WHEN (f3 IS NOT NULL AND (STRPOS(LOWER(TRIM(f3, ' ')), 'marketing') > 0)) THEN (5.0::DOUBLE) ELSE (0.0::DOUBLE) END AS rp12,
  CASE WHEN (f3 IS NOT NULL AND (STRPOS(LOWER(TRIM(f3, ' ')), 'sales') > 0)) THEN 1 ELSE 0 END AS rf13,
  CASE WHEN (f3 IS NOT NULL AND (STRPOS(LOWER(TRIM(f3, ' ')), 'sales') > 0)) THEN (3.0::DOUBLE) ELSE (0.0::DOUBLE) END AS rp13,
  CASE WHEN (f6 IS NOT NULL AND LOWER(TRIM(f6, ' ')) = 'referral') THEN 1 ELSE 0 END AS rf14,
  CASE WHEN (f6 IS NOT NULL AND LOWER(TRIM(f6, ' ')) = 'referral') THEN (10.0::DOUBLE) ELSE (0.0::DOUBLE) END AS rp14,
  CASE WHEN (f6 IS NOT NULL AND (LOWER(TRIM(f6, ' ')) = 'webinar' OR LOWER(TRIM(f6, ' ')) = 'event')) THEN 1 ELSE 0 END AS rf15,
  CASE WHEN (f6 IS NOT NULL AND (LOWER(TRIM(f6, ' ')) = 'webinar' OR LOWER(TRIM(f6, ' ')) = 'event')) THEN (5.0::DOUBLE) ELSE (0.0::DOUBLE) END AS rp15,
  CASE WHEN COALESCE(g209, 0) >= 1 THEN 1 ELSE 0 END AS rf16,
  CASE WHEN COALESCE(g209, 0) >= 1 THEN GREATEST((-15.0::DOUBLE), LEAST((15.0::DOUBLE), CAST(COALESCE(g210, 0) AS DOUBLE))) ELSE (0.0::DOUBLE) END AS rp16,
  CASE WHEN COALESCE(g211, 0) >= 1 THEN 1 ELSE 0 END AS rf17,
  CASE WHEN COALESCE(g211, 0) >= 1 THEN GREATEST((-21.0::DOUBLE), LEAST((21.0::DOUBLE), CAST(COALESCE(g212, 0) AS DOUBLE))) ELSE (0.0::DOUBLE) END AS rp17,
  CASE WHEN COALESCE(g213, 0) >= 1 THEN 1 ELSE 0 END AS rf18,
  CASE WHEN COALESCE(g213, 0) >= 1 THEN (15.0::DOUBLE) * EXP((-0.6931471805599453::DOUBLE) * (CAST(((g214 * 1000)) // (3600000000000) AS DOUBLE) + CAST((g214 * 1000) - ((g214 * 1000)) // (3600000000000) * 3600000000000 AS DOUBLE) / (3.6e+12::DOUBLE)) / (24.0::DOUBLE) / (30.0::DOUBLE)) ELSE (0.0::DOUBLE) END AS rp18,
  CASE WHEN COALESCE(g215, 0) >= 1 THEN 1 ELSE 0 END AS rf19,
  CASE WHEN COALESCE(g215, 0) >= 1 THEN (-20.0::DOUBLE) * EXP((-0.6931471805599453::DOUBLE) * (CAST(((g216 * 1000)) // (3600000000000) AS DOUBLE) + CAST((g216 * 1000) - ((g216 * 1000)) // (3600000000000) * 3600000000000 AS DOUBLE) / (3.6e+12::DOUBLE)) / (24.0::DOUBLE) / (30.0::DOUBLE)) ELSE (0.0::DOUBLE) END AS rp19,
  CASE WHEN COALESCE(g217, 0) >= 1 THEN 1 ELSE 0 END AS rf20,
  CASE WHEN COALESCE(g217, 0) >= 1 THEN (-10.0::DOUBLE) * EXP((-0.6931471805599453::DOUBLE) * (CAST(((g218 * 1000)) // (3600000000000) AS DOUBLE) + CAST((g218 * 1000) - ((g218 * 1000)) // (3600000000000) * 3600000000000 AS DOUBLE) / (3.6e+12::DOUBLE)) / (24.0::DOUBLE) / (30.0::DOUBLE)) ELSE (0.0::DOUBLE) END AS rp20,
  CASE WHEN COALESCE(g219, 0) >= 1 THEN 1 ELSE 0 END AS rf21,
  CASE WHEN COALESCE(g219, 0) >= 1 THEN GREATEST((-20.0::DOUBLE), LEAST((20.0::DOUBLE), CAST(COALESCE(g220, 0) AS DOUBLE))) ELSE (0.0::DOUBLE) END AS rp21,
  CASE WHEN COALESCE(g221, 0) >= 1 THEN 1 ELSE 0 END AS rf22,
  CASE WHEN COALESCE(g221, 0) >= 1 THEN GREATEST((-20.0::DOUBLE), LEAST((20.0::DOUBLE), CAST(COALESCE(g222, 0) AS DOUBLE))) ELSE (0.0::DOUBLE) END AS rp22,
  CASE WHEN COALESCE(g223, 0) >= 1 THEN 1 ELSE 0 END AS rf23,
  CASE WHEN COALESCE(g223, 0) >= 1 THEN (20.0::DOUBLE) * EXP((-0.6931471805599453::DOUBLE) * (CAST(((g224 * 1000)) // (3600000000000) AS DOUBLE) + CAST((g224 * 1000) - ((g224 * 1000)) // (3600000000000) * 3600000000000 AS DOUBLE) / (3.6e+12::DOUBLE)) / (24.0::DOUBLE) / (30.0::DOUBLE)) ELSE (0.0::DOUBLE) END AS rp23,
  CASE WHEN COALESCE(g225, 0) >= 1 THEN 1 ELSE 0 END AS rf24,
  CASE WHEN COALESCE(g225, 0) >= 1 THEN (-10.0::DOUBLE) * EXP((-0.6931471805599453::DOUBLE) * (CAST(((g226 * 1000)) // (3600000000000) AS DOUBLE) + CAST((g226 * 1000) - ((g226 * 1000)) // (3600000000000) * 3600000000000 AS DOUBLE) / (3.6e+12::DOUBLE)) / (24.0::DOUBLE) / (30.0::DOUBLE)) ELSE (0.0::DOUBLE) END AS rp24,
  CASE WHEN COALESCE(g227, 0) >= 1 THEN 1 ELSE 0 END AS rf25,
  CASE WHEN COALESCE(g227, 0) >= 1 THEN (20.0::DOUBLE) * EXP((-0.6931471805599453::DOUBLE) * (CAST(((g228 * 1000)) // (3600000000000) AS DOUBLE) + CAST((g228 * 1000) - ((g228 * 1000)) // (3600000000000) * 3600000000000 AS DOUBLE) / (3.6e+12::DOUBLE)) / (24.0::DOUBLE) / (30.0::DOUBLE)) ELSE (0.0::DOUBLE) END AS rp25,
  CASE WHEN COALESCE(g229, 0) >= 1 THEN 1 ELSE 0 END AS rf26,
  CASE WHEN COALESCE(g229, 0) >= 1 THEN GREATEST((-20.0::DOUBLE), LEAST((20.0::DOUBLE), CAST(COALESCE(g230, 0) AS DOUBLE))) ELSE (0.0::DOUBLE) END AS rp26,
  CASE WHEN COALESCE(g231, 0) >= 1 THEN 1 ELSE 0 END AS rf27,
  CASE WHEN COALESCE(g231, 0) >= 1 THEN (15.0::DOUBLE) * EXP((-0.6931471805599453::DOUBLE) * (CAST(((g232 * 1000)) // (3600000000000) AS DOUBLE) + CAST((g232 * 1000) - ((g232 * 1000)) // (3600000000000) * 3600000000000 AS DOUBLE) / (3.6e+12::DOUBLE)) / (24.0::DOUBLE) / (30.0::DOUBLE)) ELSE (0.0::DOUBLE) END AS rp27,
  CASE WHEN COALESCE(g233, 0) >= 1 THEN 1 ELSE 0 END AS rf28,
  CASE WHEN COALESCE(g233, 0) >= 1 THEN (10.0::DOUBLE) * EXP((-0.6931471805599453::DOUBLE) * (CAST(((g234 * 1000)) // (3600000000000) AS DOUBLE) + CAST((g234 * 1000) - ((g234 * 1000)) // (3600000000000) * 3600000000000 AS DOUBLE) / (3.6e+12::DOUBLE)) / (24.0::DOUBLE) / (30.0::DOUBLE)) ELSE (0.0::DOUBLE) END AS rp28,
  CASE WHEN COALESCE(g235, 0) >= 1 THEN 1 ELSE 0 END AS rf29,
  CASE WHEN COALESCE(g235, 0) >= 1 THEN GREATEST((-10.0::DOUBLE), LEAST((10.0::DOUBLE), CAST(COALESCE(g236, 0) AS DOUBLE))) ELSE (0.0::DOUBLE) END AS rp29,
  CASE WHEN COALESCE(g237, 0) >= 1 THEN 1 ELSE 0 END AS rf30,
  CASE WHEN COALESCE(g237, 0) >= 1 THEN (5.0::DOUBLE) * EXP((-0.6931471805599453::DOUBLE) * (CAST(((g238 * 1000)) // (3600000000000) AS DOUBLE) + CAST((g238 * 1000) - ((g238 * 1000)) // (3600000000000) * 3600000000000 AS DOUBLE) / (3.6e+12::DOUBLE)) / (24.0::DOUBLE) / (30.0::DOUBLE)) ELSE (0.0::DOUBLE) END AS rp30,
  CASE WHEN COALESCE(g239, 0) >= 1 THEN 1 ELSE 0 END AS rf31,
  CASE WHEN COALESCE(g239, 0) >= 1 THEN (30.0::DOUBLE) * EXP((-0.6931471805599453::DOUBLE) * (CAST(((g240 * 1000)) // (3600000000000) AS DOUBLE) + CAST((g240 * 1000) - ((g240 * 1000)) // (3600000000000) * 3600000000000 AS DOUBLE) / (3.6e+12::DOUBLE)) / (24.0::DOUBLE) / (30.0::DOUBLE)) ELSE (0.0::DOUBLE) END AS rp31,
  CASE WHEN COALESCE(g241, 0) >= 1 THEN 1 ELSE 0 END AS rf32,
  CASE WHEN COALESCE(g241, 0) >= 1 THEN (40.0::DOUBLE) * EXP((-0.6931471805599453::DOUBLE) * (CAST(((g242 * 1000)) // (3600000000000) AS DOUBLE) + CAST((g242 * 1000) - ((g242 * 1000)) // (3600000000000) * 3600000000000 AS DOUBLE) / (3.6e+12::DOUBLE)) / (24.0::DOUBLE) / (30.0::DOUBLE)) ELSE (0.0::DOUBLE) END AS rp32,
  CASE WHEN (f3 IS NOT NULL AND (STRPOS(LOWER(TRIM(f3, ' ')), 'student') > 0)) THEN 1 ELSE 0 END AS rf33,
  CASE WHEN (f3 IS NOT NULL AND (STRPOS(LOWER(TRIM(f3, ' ')), 'student') > 0)) THEN (0.0::DOUBLE) ELSE (0.0::DOUBLE) END AS rp33
FROM leads_in AS l LEFT JOIN agg AS a USING (lead_id)
WHERE created_us IS NULL OR created_us <= cut_us
),
enc AS MATERIALIZED (
SELECT
  *,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x1, (46.0::DOUBLE)), (1.0::DOUBLE)), (7135.0::DOUBLE)), (0.0::DOUBLE))) - (3.8485527322666466::DOUBLE)) / (1.4195159703065143::DOUBLE) AS z1,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x2, (6.902e+06::DOUBLE)), (55000.0::DOUBLE)), (7.77361e+08::DOUBLE)), (0.0::DOUBLE))) - (15.754284438671103::DOUBLE)) / (1.4188106284558386::DOUBLE) AS z2,
  (LEAST(GREATEST(COALESCE(x7, (7.0::DOUBLE)), (1.0::DOUBLE)), (30.0::DOUBLE)) - (12.833377343543702::DOUBLE)) / (10.78287355278713::DOUBLE) AS z7,
  (LEAST(GREATEST(COALESCE(x10, (1.0::DOUBLE)), (0.0::DOUBLE)), (10.0::DOUBLE)) - (0.944547134935305::DOUBLE)) / (1.147016531374787::DOUBLE) AS z10,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x11, (3.0::DOUBLE)), (0.0::DOUBLE)), (44.0::DOUBLE)), (0.0::DOUBLE))) - (1.3999682091272352::DOUBLE)) / (0.6647520146168694::DOUBLE) AS z11,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x12, (6.0::DOUBLE)), (1.0::DOUBLE)), (110.0::DOUBLE)), (0.0::DOUBLE))) - (1.9342339652724199::DOUBLE)) / (0.892654312255224::DOUBLE) AS z12,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x13, (6.0::DOUBLE)), (1.0::DOUBLE)), (110.0::DOUBLE)), (0.0::DOUBLE))) - (1.9342339652724199::DOUBLE)) / (0.892654312255224::DOUBLE) AS z13,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x14, (3.959801262477413::DOUBLE)), (0.5002427406143397::DOUBLE)), (62.79501962568611::DOUBLE)), (0.0::DOUBLE))) - (1.654331237867144::DOUBLE)) / (0.7295371807081706::DOUBLE) AS z14,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x15, (0.9863425925925926::DOUBLE)), (0.00016203703703703703::DOUBLE)), (21.770972222222223::DOUBLE)), (0.0::DOUBLE))) - (0.8640673380062971::DOUBLE)) / (0.6059704970902386::DOUBLE) AS z15,
  (LEAST(GREATEST(COALESCE(x16, (4.0::DOUBLE)), (1.0::DOUBLE)), (28.0::DOUBLE)) - (5.685503036704516::DOUBLE)) / (5.264697613378712::DOUBLE) AS z16,
  (LEAST(GREATEST(COALESCE(x17, (0.0::DOUBLE)), (0.0::DOUBLE)), (1.0::DOUBLE)) - (0.23161771919363738::DOUBLE)) / (0.313120430532439::DOUBLE) AS z17,
  (LEAST(GREATEST(COALESCE(x18, (0.0::DOUBLE)), (0.0::DOUBLE)), (1.0::DOUBLE)) - (0.09253398216957763::DOUBLE)) / (0.2585338467132852::DOUBLE) AS z18,
  (LEAST(GREATEST(COALESCE(x19, (0.0::DOUBLE)), (0.0::DOUBLE)), (1.0::DOUBLE)) - (0.012146818061790335::DOUBLE)) / (0.10954119258417333::DOUBLE) AS z19,
  (LEAST(GREATEST(COALESCE(x20, (0.0::DOUBLE)), (0.0::DOUBLE)), (1.0::DOUBLE)) - (0.04779508846052284::DOUBLE)) / (0.21333241192929558::DOUBLE) AS z20,
  (LEAST(GREATEST(COALESCE(x21, (0.0::DOUBLE)), (0.0::DOUBLE)), (1.0::DOUBLE)) - (0.09215738051227886::DOUBLE)) / (0.28924798656066364::DOUBLE) AS z21,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x22, (0.0::DOUBLE)), (0.0::DOUBLE)), (1.0::DOUBLE)), (0.0::DOUBLE))) - (0.009700765928090063::DOUBLE)) / (0.08142452758681686::DOUBLE) AS z22,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x23, (0.0::DOUBLE)), (0.0::DOUBLE)), (2.0::DOUBLE)), (0.0::DOUBLE))) - (0.042957782790343624::DOUBLE)) / (0.17402072050137743::DOUBLE) AS z23,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x24, (0.0::DOUBLE)), (0.0::DOUBLE)), (4.0::DOUBLE)), (0.0::DOUBLE))) - (0.09343190317007123::DOUBLE)) / (0.26316884408260244::DOUBLE) AS z24,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x25, (0.0::DOUBLE)), (0.0::DOUBLE)), (4.0::DOUBLE)), (0.0::DOUBLE))) - (0.09343190317007123::DOUBLE)) / (0.26316884408260244::DOUBLE) AS z25,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x26, (0.0::DOUBLE)), (0.0::DOUBLE)), (2.570343993604183::DOUBLE)), (0.0::DOUBLE))) - (0.06714878900703768::DOUBLE)) / (0.19524232118222157::DOUBLE) AS z26,
  (LEAST(GREATEST(COALESCE(x27, (7.187199074074074::DOUBLE)), (0.03050925925925926::DOUBLE)), (29.86423611111111::DOUBLE)) - (7.45096360661229::DOUBLE)) / (2.7887906887357437::DOUBLE) AS z27,
  (LEAST(GREATEST(COALESCE(x28, (0.0::DOUBLE)), (0.0::DOUBLE)), (5.0::DOUBLE)) - (0.5355162397676261::DOUBLE)) / (0.809237182781473::DOUBLE) AS z28,
  (LEAST(GREATEST(COALESCE(x29, (1.0::DOUBLE)), (0.0::DOUBLE)), (11.0::DOUBLE)) - (1.838130446263533::DOUBLE)) / (1.5640344771365848::DOUBLE) AS z29,
  (LEAST(GREATEST(COALESCE(x30, (3.0::DOUBLE)), (1.0::DOUBLE)), (20.0::DOUBLE)) - (4.062846580406655::DOUBLE)) / (3.2896859934547757::DOUBLE) AS z30,
  (LEAST(GREATEST(COALESCE(x31, (3.0::DOUBLE)), (1.0::DOUBLE)), (20.0::DOUBLE)) - (4.062846580406655::DOUBLE)) / (3.2896859934547757::DOUBLE) AS z31,
  (LEAST(GREATEST(COALESCE(x32, (1.9684170333202928::DOUBLE)), (0.22644415125250816::DOUBLE)), (12.138761188602075::DOUBLE)) - (2.524282308773327::DOUBLE)) / (1.7359628948434656::DOUBLE) AS z32,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x33, (2.3388194444444443::DOUBLE)), (0.00016203703703703703::DOUBLE)), (29.998819444444443::DOUBLE)), (0.0::DOUBLE))) - (1.3242472395010259::DOUBLE)) / (0.7857640466078332::DOUBLE) AS z33,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x34, (0.0::DOUBLE)), (0.0::DOUBLE)), (1.0::DOUBLE)), (0.0::DOUBLE))) - (0.002013366513377185::DOUBLE)) / (0.03730289100678346::DOUBLE) AS z34,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x35, (0.0::DOUBLE)), (0.0::DOUBLE)), (2.0::DOUBLE)), (0.0::DOUBLE))) - (0.0128434342949175::DOUBLE)) / (0.09472427402691494::DOUBLE) AS z35,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x36, (0.0::DOUBLE)), (0.0::DOUBLE)), (2.0::DOUBLE)), (0.0::DOUBLE))) - (0.027610507595002335::DOUBLE)) / (0.13982869335216963::DOUBLE) AS z36,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x37, (0.0::DOUBLE)), (0.0::DOUBLE)), (2.0::DOUBLE)), (0.0::DOUBLE))) - (0.027610507595002335::DOUBLE)) / (0.13982869335216963::DOUBLE) AS z37,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x38, (0.0::DOUBLE)), (0.0::DOUBLE)), (1.563414632808417::DOUBLE)), (0.0::DOUBLE))) - (0.019384894129685495::DOUBLE)) / (0.10195688483389144::DOUBLE) AS z38,
  (LEAST(GREATEST(COALESCE(x39, (7.812303240740741::DOUBLE)), (0.1057175925925926::DOUBLE)), (29.516018518518518::DOUBLE)) - (7.910171242506039::DOUBLE)) / (1.7024356474158107::DOUBLE) AS z39,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x40, (0.0::DOUBLE)), (0.0::DOUBLE)), (1.0::DOUBLE)), (0.0::DOUBLE))) - (0.008602566011702506::DOUBLE)) / (0.07673877920977748::DOUBLE) AS z40,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x41, (0.0::DOUBLE)), (0.0::DOUBLE)), (3.0::DOUBLE)), (0.0::DOUBLE))) - (0.04463260629900948::DOUBLE)) / (0.17428394031481637::DOUBLE) AS z41,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x42, (0.0::DOUBLE)), (0.0::DOUBLE)), (5.0::DOUBLE)), (0.0::DOUBLE))) - (0.0995090692665519::DOUBLE)) / (0.26730391135340004::DOUBLE) AS z42,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x43, (0.0::DOUBLE)), (0.0::DOUBLE)), (5.0::DOUBLE)), (0.0::DOUBLE))) - (0.0995090692665519::DOUBLE)) / (0.26730391135340004::DOUBLE) AS z43,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x44, (0.0::DOUBLE)), (0.0::DOUBLE)), (2.8215142833068967::DOUBLE)), (0.0::DOUBLE))) - (0.07102443611117784::DOUBLE)) / (0.19607092229499012::DOUBLE) AS z44,
  (LEAST(GREATEST(COALESCE(x45, (7.299178240740741::DOUBLE)), (0.03217592592592593::DOUBLE)), (29.739502314814814::DOUBLE)) - (7.570224131165095::DOUBLE)) / (2.8150958710950627::DOUBLE) AS z45,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x46, (0.0::DOUBLE)), (0.0::DOUBLE)), (1.0::DOUBLE)), (0.0::DOUBLE))) - (0.003294599749162666::DOUBLE)) / (0.047673767836183774::DOUBLE) AS z46,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x47, (0.0::DOUBLE)), (0.0::DOUBLE)), (2.0::DOUBLE)), (0.0::DOUBLE))) - (0.019325566165012544::DOUBLE)) / (0.11462813792650516::DOUBLE) AS z47,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x48, (0.0::DOUBLE)), (0.0::DOUBLE)), (3.0::DOUBLE)), (0.0::DOUBLE))) - (0.043427338754391615::DOUBLE)) / (0.17183705663490256::DOUBLE) AS z48,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x49, (0.0::DOUBLE)), (0.0::DOUBLE)), (3.0::DOUBLE)), (0.0::DOUBLE))) - (0.043427338754391615::DOUBLE)) / (0.17183705663490256::DOUBLE) AS z49,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x50, (0.0::DOUBLE)), (0.0::DOUBLE)), (1.809012089855969::DOUBLE)), (0.0::DOUBLE))) - (0.030149913980615565::DOUBLE)) / (0.1246098069345281::DOUBLE) AS z50,
  (LEAST(GREATEST(COALESCE(x51, (7.887060185185185::DOUBLE)), (0.09936342592592592::DOUBLE)), (29.824467592592594::DOUBLE)) - (8.058653525951353::DOUBLE)) / (2.2059353289162::DOUBLE) AS z51,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x52, (0.0::DOUBLE)), (0.0::DOUBLE)), (8.0::DOUBLE)), (0.0::DOUBLE))) - (0.21501910962375617::DOUBLE)) / (0.39725100547384945::DOUBLE) AS z52,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x53, (1.0::DOUBLE)), (0.0::DOUBLE)), (37.0::DOUBLE)), (0.0::DOUBLE))) - (0.7600164958847001::DOUBLE)) / (0.7945140028864008::DOUBLE) AS z53,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x54, (2.0::DOUBLE)), (0.0::DOUBLE)), (89.0::DOUBLE)), (0.0::DOUBLE))) - (1.1509507769263347::DOUBLE)) / (1.066772474156382::DOUBLE) AS z54,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x55, (2.0::DOUBLE)), (0.0::DOUBLE)), (89.0::DOUBLE)), (0.0::DOUBLE))) - (1.1509507769263347::DOUBLE)) / (1.066772474156382::DOUBLE) AS z55,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x56, (1.1561750073451549::DOUBLE)), (0.0::DOUBLE)), (49.54421294014901::DOUBLE)), (0.0::DOUBLE))) - (0.9611236966395724::DOUBLE)) / (0.8989384499677874::DOUBLE) AS z56,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x57, (1.6577025462962962::DOUBLE)), (0.0014814814814814814::DOUBLE)), (29.621608796296297::DOUBLE)), (0.0::DOUBLE))) - (1.0620998365874696::DOUBLE)) / (0.6317450077772158::DOUBLE) AS z57,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x58, (0.0::DOUBLE)), (0.0::DOUBLE)), (1.0::DOUBLE)), (0.0::DOUBLE))) - (0.004758866304346071::DOUBLE)) / (0.05723589741601664::DOUBLE) AS z58,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x59, (0.0::DOUBLE)), (0.0::DOUBLE)), (2.0::DOUBLE)), (0.0::DOUBLE))) - (0.027168475265038863::DOUBLE)) / (0.13923903876019572::DOUBLE) AS z59,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x60, (0.0::DOUBLE)), (0.0::DOUBLE)), (5.0::DOUBLE)), (0.0::DOUBLE))) - (0.062422114513984155::DOUBLE)) / (0.21837877424900767::DOUBLE) AS z60,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x61, (0.0::DOUBLE)), (0.0::DOUBLE)), (5.0::DOUBLE)), (0.0::DOUBLE))) - (0.062422114513984155::DOUBLE)) / (0.21837877424900767::DOUBLE) AS z61,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x62, (0.0::DOUBLE)), (0.0::DOUBLE)), (3.2774096357170492::DOUBLE)), (0.0::DOUBLE))) - (0.044789612577776826::DOUBLE)) / (0.1613112667390975::DOUBLE) AS z62,
  (LEAST(GREATEST(COALESCE(x63, (7.641527777777778::DOUBLE)), (0.0011689814814814816::DOUBLE)), (29.380208333333332::DOUBLE)) - (7.779572034323074::DOUBLE)) / (2.122872374961575::DOUBLE) AS z63,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x64, (0.0::DOUBLE)), (0.0::DOUBLE)), (2.0::DOUBLE)), (0.0::DOUBLE))) - (0.012874536231980179::DOUBLE)) / (0.09606611293996742::DOUBLE) AS z64,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x65, (0.0::DOUBLE)), (0.0::DOUBLE)), (5.0::DOUBLE)), (0.0::DOUBLE))) - (0.07670587003297873::DOUBLE)) / (0.24171425957396628::DOUBLE) AS z65,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x66, (0.0::DOUBLE)), (0.0::DOUBLE)), (9.0::DOUBLE)), (0.0::DOUBLE))) - (0.15745542984126232::DOUBLE)) / (0.3643135866457696::DOUBLE) AS z66,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x67, (0.0::DOUBLE)), (0.0::DOUBLE)), (9.0::DOUBLE)), (0.0::DOUBLE))) - (0.15745542984126232::DOUBLE)) / (0.3643135866457696::DOUBLE) AS z67,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x68, (0.0::DOUBLE)), (0.0::DOUBLE)), (6.737006505951285::DOUBLE)), (0.0::DOUBLE))) - (0.11603992646568066::DOUBLE)) / (0.2761623286815527::DOUBLE) AS z68,
  (LEAST(GREATEST(COALESCE(x69, (6.1010532407407405::DOUBLE)), (0.014756944444444444::DOUBLE)), (29.695393518518518::DOUBLE)) - (6.503281813880821::DOUBLE)) / (3.184997691279991::DOUBLE) AS z69,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x70, (0.0::DOUBLE)), (0.0::DOUBLE)), (1.0::DOUBLE)), (0.0::DOUBLE))) - (0.002562466471570962::DOUBLE)) / (0.04206661592796337::DOUBLE) AS z70,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x71, (0.0::DOUBLE)), (0.0::DOUBLE)), (1.0::DOUBLE)), (0.0::DOUBLE))) - (0.016839065384609192::DOUBLE)) / (0.10671643065423277::DOUBLE) AS z71,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x72, (0.0::DOUBLE)), (0.0::DOUBLE)), (1.0::DOUBLE)), (0.0::DOUBLE))) - (0.04026733026754376::DOUBLE)) / (0.16214107609346745::DOUBLE) AS z72,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x73, (0.0::DOUBLE)), (0.0::DOUBLE)), (1.0::DOUBLE)), (0.0::DOUBLE))) - (0.04026733026754376::DOUBLE)) / (0.16214107609346745::DOUBLE) AS z73,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x74, (0.0::DOUBLE)), (0.0::DOUBLE)), (0.9964260582346469::DOUBLE)), (0.0::DOUBLE))) - (0.027537544610858826::DOUBLE)) / (0.11578850475096146::DOUBLE) AS z74,
  (LEAST(GREATEST(COALESCE(x75, (9.31404513888889::DOUBLE)), (0.07231481481481482::DOUBLE)), (29.33826388888889::DOUBLE)) - (9.416759642820468::DOUBLE)) / (1.9938209264254116::DOUBLE) AS z75,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x76, (0.0::DOUBLE)), (0.0::DOUBLE)), (2.0::DOUBLE)), (0.0::DOUBLE))) - (0.009655902173985128::DOUBLE)) / (0.08338226644283714::DOUBLE) AS z76,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x77, (0.0::DOUBLE)), (0.0::DOUBLE)), (4.0::DOUBLE)), (0.0::DOUBLE))) - (0.029849086868906676::DOUBLE)) / (0.16434125315743767::DOUBLE) AS z77,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x78, (0.0::DOUBLE)), (0.0::DOUBLE)), (10.0::DOUBLE)), (0.0::DOUBLE))) - (0.04993078321407764::DOUBLE)) / (0.24737182989174275::DOUBLE) AS z78,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x79, (0.0::DOUBLE)), (0.0::DOUBLE)), (10.0::DOUBLE)), (0.0::DOUBLE))) - (0.04993078321407764::DOUBLE)) / (0.24737182989174275::DOUBLE) AS z79,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x80, (0.0::DOUBLE)), (0.0::DOUBLE)), (5.161202155984938::DOUBLE)), (0.0::DOUBLE))) - (0.037947031436050306::DOUBLE)) / (0.18997528540701267::DOUBLE) AS z80,
  (LEAST(GREATEST(COALESCE(x81, (4.729155092592593::DOUBLE)), (0.06201388888888889::DOUBLE)), (29.998726851851853::DOUBLE)) - (4.838482616578157::DOUBLE)) / (1.7685772549152772::DOUBLE) AS z81,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x82, (0.0::DOUBLE)), (0.0::DOUBLE)), (1.0::DOUBLE)), (0.0::DOUBLE))) - (0.012995365677252738::DOUBLE)) / (0.09401500704912819::DOUBLE) AS z82,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x83, (0.0::DOUBLE)), (0.0::DOUBLE)), (3.0::DOUBLE)), (0.0::DOUBLE))) - (0.04994415086452751::DOUBLE)) / (0.18834333328629646::DOUBLE) AS z83,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x84, (0.0::DOUBLE)), (0.0::DOUBLE)), (5.0::DOUBLE)), (0.0::DOUBLE))) - (0.10214422112297981::DOUBLE)) / (0.26915147552932744::DOUBLE) AS z84,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x85, (0.0::DOUBLE)), (0.0::DOUBLE)), (5.0::DOUBLE)), (0.0::DOUBLE))) - (0.10214422112297981::DOUBLE)) / (0.26915147552932744::DOUBLE) AS z85,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x86, (0.0::DOUBLE)), (0.0::DOUBLE)), (3.347615589387715::DOUBLE)), (0.0::DOUBLE))) - (0.072510347411059::DOUBLE)) / (0.19960635299204676::DOUBLE) AS z86,
  (LEAST(GREATEST(COALESCE(x87, (6.957928240740741::DOUBLE)), (0.015752314814814816::DOUBLE)), (29.979444444444443::DOUBLE)) - (7.354706088201351::DOUBLE)) / (3.273331567937308::DOUBLE) AS z87,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x88, (0.0::DOUBLE)), (0.0::DOUBLE)), (2.0::DOUBLE)), (0.0::DOUBLE))) - (0.06211049915002236::DOUBLE)) / (0.19915950018192624::DOUBLE) AS z88,
  (LEAST(GREATEST(COALESCE(x89, (0.0::DOUBLE)), (0.0::DOUBLE)), (4.0::DOUBLE)) - (0.33034063902825456::DOUBLE)) / (0.5808637160370005::DOUBLE) AS z89,
  (LEAST(GREATEST(COALESCE(x90, (0.0::DOUBLE)), (0.0::DOUBLE)), (7.0::DOUBLE)) - (0.7362027990493795::DOUBLE)) / (1.0013809577862471::DOUBLE) AS z90,
  (LEAST(GREATEST(COALESCE(x91, (0.0::DOUBLE)), (0.0::DOUBLE)), (7.0::DOUBLE)) - (0.7362027990493795::DOUBLE)) / (1.0013809577862471::DOUBLE) AS z91,
  (LEAST(GREATEST(COALESCE(x92, (0.0::DOUBLE)), (0.0::DOUBLE)), (4.043022862402722::DOUBLE)) - (0.46025857288059135::DOUBLE)) / (0.6140807349222831::DOUBLE) AS z92,
  (LEAST(GREATEST(COALESCE(x93, (6.30972800925926::DOUBLE)), (0.00016203703703703703::DOUBLE)), (29.991828703703703::DOUBLE)) - (7.171246716043683::DOUBLE)) / (5.301613031394237::DOUBLE) AS z93,
  (LEAST(GREATEST(COALESCE(x94, (0.0::DOUBLE)), (0.0::DOUBLE)), (3.0::DOUBLE)) - (0.4106152627409559::DOUBLE)) / (0.5760131924682774::DOUBLE) AS z94,
  (LEAST(GREATEST(COALESCE(x95, (1.0::DOUBLE)), (0.0::DOUBLE)), (9.0::DOUBLE)) - (1.3768154211777133::DOUBLE)) / (1.0330279076749058::DOUBLE) AS z95,
  (LEAST(GREATEST(COALESCE(x96, (2.0::DOUBLE)), (1.0::DOUBLE)), (13.0::DOUBLE)) - (3.046474782149459::DOUBLE)) / (2.2606623484256008::DOUBLE) AS z96,
  (LEAST(GREATEST(COALESCE(x97, (2.0::DOUBLE)), (1.0::DOUBLE)), (13.0::DOUBLE)) - (3.046474782149459::DOUBLE)) / (2.2606623484256008::DOUBLE) AS z97,
  (LEAST(GREATEST(COALESCE(x98, (1.6061664542648941::DOUBLE)), (0.22644415125250816::DOUBLE)), (7.789713784120977::DOUBLE)) - (1.887378768937919::DOUBLE)) / (1.1413417974619875::DOUBLE) AS z98,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x99, (2.411238425925926::DOUBLE)), (0.0008796296296296296::DOUBLE)), (29.998819444444443::DOUBLE)), (0.0::DOUBLE))) - (1.342858139786058::DOUBLE)) / (0.7757462584062771::DOUBLE) AS z99,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x100, (0.0::DOUBLE)), (0.0::DOUBLE)), (1.0::DOUBLE)), (0.0::DOUBLE))) - (0.001281233235785481::DOUBLE)) / (0.02977316990882826::DOUBLE) AS z100,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x101, (0.0::DOUBLE)), (0.0::DOUBLE)), (1.0::DOUBLE)), (0.0::DOUBLE))) - (0.0036606663879585177::DOUBLE)) / (0.05023922876975714::DOUBLE) AS z101,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x102, (0.0::DOUBLE)), (0.0::DOUBLE)), (1.0::DOUBLE)), (0.0::DOUBLE))) - (0.00841953269230458::DOUBLE)) / (0.07592816879489953::DOUBLE) AS z102,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x103, (0.0::DOUBLE)), (0.0::DOUBLE)), (1.0::DOUBLE)), (0.0::DOUBLE))) - (0.00841953269230458::DOUBLE)) / (0.07592816879489953::DOUBLE) AS z103,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x104, (0.0::DOUBLE)), (0.0::DOUBLE)), (0.9954666856210679::DOUBLE)), (0.0::DOUBLE))) - (0.005964173792399374::DOUBLE)) / (0.05619764856969003::DOUBLE) AS z104,
  (LEAST(GREATEST(COALESCE(x105, (8.618958333333333::DOUBLE)), (0.09177083333333333::DOUBLE)), (29.987731481481482::DOUBLE)) - (8.638830068020225::DOUBLE)) / (0.9483640382013439::DOUBLE) AS z105,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x106, (0.0::DOUBLE)), (0.0::DOUBLE)), (2.0::DOUBLE)), (0.0::DOUBLE))) - (0.01057106877097476::DOUBLE)) / (0.08699676117777844::DOUBLE) AS z106,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x107, (0.0::DOUBLE)), (0.0::DOUBLE)), (4.0::DOUBLE)), (0.0::DOUBLE))) - (0.05715901200554922::DOUBLE)) / (0.20737856189969153::DOUBLE) AS z107,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x108, (0.0::DOUBLE)), (0.0::DOUBLE)), (6.0::DOUBLE)), (0.0::DOUBLE))) - (0.12672636071439458::DOUBLE)) / (0.31614156939185334::DOUBLE) AS z108,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x109, (0.0::DOUBLE)), (0.0::DOUBLE)), (6.0::DOUBLE)), (0.0::DOUBLE))) - (0.12672636071439458::DOUBLE)) / (0.31614156939185334::DOUBLE) AS z109,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x110, (0.0::DOUBLE)), (0.0::DOUBLE)), (3.323172068456188::DOUBLE)), (0.0::DOUBLE))) - (0.09179122775749733::DOUBLE)) / (0.23665978731206147::DOUBLE) AS z110,
  (LEAST(GREATEST(COALESCE(x111, (7.130810185185185::DOUBLE)), (0.009872685185185186::DOUBLE)), (29.960636574074073::DOUBLE)) - (7.4213573299005375::DOUBLE)) / (3.0237182728190577::DOUBLE) AS z111,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x112, (0.0::DOUBLE)), (0.0::DOUBLE)), (1.0::DOUBLE)), (0.0::DOUBLE))) - (0.00311156642976474::DOUBLE)) / (0.04633672034434082::DOUBLE) AS z112,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x113, (0.0::DOUBLE)), (0.0::DOUBLE)), (1.0::DOUBLE)), (0.0::DOUBLE))) - (0.016656032065211265::DOUBLE)) / (0.10614922638040933::DOUBLE) AS z113,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x114, (0.0::DOUBLE)), (0.0::DOUBLE)), (1.0::DOUBLE)), (0.0::DOUBLE))) - (0.0384369970735645::DOUBLE)) / (0.15863509512935253::DOUBLE) AS z114,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x115, (0.0::DOUBLE)), (0.0::DOUBLE)), (1.0::DOUBLE)), (0.0::DOUBLE))) - (0.0384369970735645::DOUBLE)) / (0.15863509512935253::DOUBLE) AS z115,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x116, (0.0::DOUBLE)), (0.0::DOUBLE)), (0.9980118169914931::DOUBLE)), (0.0::DOUBLE))) - (0.026985929725742566::DOUBLE)) / (0.11608093019903369::DOUBLE) AS z116,
  (LEAST(GREATEST(COALESCE(x117, (8.166984953703704::DOUBLE)), (0.04019675925925926::DOUBLE)), (29.783252314814813::DOUBLE)) - (8.290055714175688::DOUBLE)) / (1.9601313448716915::DOUBLE) AS z117,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x118, (0.0::DOUBLE)), (0.0::DOUBLE)), (1.0::DOUBLE)), (0.0::DOUBLE))) - (0.009700765928090063::DOUBLE)) / (0.08142452758681686::DOUBLE) AS z118,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x119, (0.0::DOUBLE)), (0.0::DOUBLE)), (2.0::DOUBLE)), (0.0::DOUBLE))) - (0.042957782790343624::DOUBLE)) / (0.17402072050137743::DOUBLE) AS z119,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x120, (0.0::DOUBLE)), (0.0::DOUBLE)), (4.0::DOUBLE)), (0.0::DOUBLE))) - (0.09343190317007123::DOUBLE)) / (0.26316884408260244::DOUBLE) AS z120,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x121, (0.0::DOUBLE)), (0.0::DOUBLE)), (4.0::DOUBLE)), (0.0::DOUBLE))) - (0.09343190317007123::DOUBLE)) / (0.26316884408260244::DOUBLE) AS z121,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x122, (0.0::DOUBLE)), (0.0::DOUBLE)), (2.570343993604183::DOUBLE)), (0.0::DOUBLE))) - (0.06714878900703768::DOUBLE)) / (0.19524232118222157::DOUBLE) AS z122,
  (LEAST(GREATEST(COALESCE(x123, (7.187199074074074::DOUBLE)), (0.03050925925925926::DOUBLE)), (29.86423611111111::DOUBLE)) - (7.45096360661229::DOUBLE)) / (2.7887906887357437::DOUBLE) AS z123,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x124, (0.0::DOUBLE)), (0.0::DOUBLE)), (1.0::DOUBLE)), (0.0::DOUBLE))) - (0.00311156642976474::DOUBLE)) / (0.046336720344340776::DOUBLE) AS z124,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x125, (0.0::DOUBLE)), (0.0::DOUBLE)), (1.0::DOUBLE)), (0.0::DOUBLE))) - (0.01738816534280297::DOUBLE)) / (0.1083983832374109::DOUBLE) AS z125,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x126, (0.0::DOUBLE)), (0.0::DOUBLE)), (1.0::DOUBLE)), (0.0::DOUBLE))) - (0.03898609703175828::DOUBLE)) / (0.15969717429194352::DOUBLE) AS z126,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x127, (0.0::DOUBLE)), (0.0::DOUBLE)), (1.0::DOUBLE)), (0.0::DOUBLE))) - (0.03898609703175828::DOUBLE)) / (0.15969717429194352::DOUBLE) AS z127,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x128, (0.0::DOUBLE)), (0.0::DOUBLE)), (0.9980066698044538::DOUBLE)), (0.0::DOUBLE))) - (0.02786097718746061::DOUBLE)) / (0.11875578009102876::DOUBLE) AS z128,
  (LEAST(GREATEST(COALESCE(x129, (8.23056712962963::DOUBLE)), (0.04030092592592593::DOUBLE)), (29.236944444444443::DOUBLE)) - (8.3240239329969::DOUBLE)) / (1.9100604893939181::DOUBLE) AS z129,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x130, (0.0::DOUBLE)), (0.0::DOUBLE)), (6.0::DOUBLE)), (0.0::DOUBLE))) - (0.192320499807758::DOUBLE)) / (0.3721707904861097::DOUBLE) AS z130,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x131, (1.0::DOUBLE)), (0.0::DOUBLE)), (35.0::DOUBLE)), (0.0::DOUBLE))) - (0.6987988992396009::DOUBLE)) / (0.7512510401059295::DOUBLE) AS z131,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x132, (1.0::DOUBLE)), (0.0::DOUBLE)), (79.0::DOUBLE)), (0.0::DOUBLE))) - (1.0787529396625581::DOUBLE)) / (1.0162735526048334::DOUBLE) AS z132,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x133, (1.0::DOUBLE)), (0.0::DOUBLE)), (79.0::DOUBLE)), (0.0::DOUBLE))) - (1.0787529396625581::DOUBLE)) / (1.0162735526048334::DOUBLE) AS z133,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x134, (0.9885927608702332::DOUBLE)), (0.0::DOUBLE)), (40.48243296332657::DOUBLE)), (0.0::DOUBLE))) - (0.8936142477161639::DOUBLE)) / (0.8498870490463556::DOUBLE) AS z134,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x135, (1.8945254629629629::DOUBLE)), (0.0014814814814814814::DOUBLE)), (29.621608796296297::DOUBLE)), (0.0::DOUBLE))) - (1.1253992462336198::DOUBLE)) / (0.6339293655385879::DOUBLE) AS z135,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x136, (0.0::DOUBLE)), (0.0::DOUBLE)), (2.0::DOUBLE)), (0.0::DOUBLE))) - (0.039248674345302::DOUBLE)) / (0.16419054009994732::DOUBLE) AS z136,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x137, (0.0::DOUBLE)), (0.0::DOUBLE)), (7.0::DOUBLE)), (0.0::DOUBLE))) - (0.19293740989893707::DOUBLE)) / (0.3641297251729093::DOUBLE) AS z137,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x138, (0.0::DOUBLE)), (0.0::DOUBLE)), (14.0::DOUBLE)), (0.0::DOUBLE))) - (0.3754199816176913::DOUBLE)) / (0.5350809149592249::DOUBLE) AS z138,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x139, (0.0::DOUBLE)), (0.0::DOUBLE)), (14.0::DOUBLE)), (0.0::DOUBLE))) - (0.3754199816176913::DOUBLE)) / (0.5350809149592249::DOUBLE) AS z139,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x140, (0.0::DOUBLE)), (0.0::DOUBLE)), (6.745486933039501::DOUBLE)), (0.0::DOUBLE))) - (0.2816543666246138::DOUBLE)) / (0.4106747498325323::DOUBLE) AS z140,
  (LEAST(GREATEST(COALESCE(x141, (4.970833333333333::DOUBLE)), (0.002384259259259259::DOUBLE)), (29.82099537037037::DOUBLE)) - (5.819131461554638::DOUBLE)) / (4.321187425197137::DOUBLE) AS z141,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x142, (0.0::DOUBLE)), (0.0::DOUBLE)), (1.0::DOUBLE)), (0.0::DOUBLE))) - (0.007687399414712879::DOUBLE)) / (0.07259065449756977::DOUBLE) AS z142,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x143, (0.0::DOUBLE)), (0.0::DOUBLE)), (4.0::DOUBLE)), (0.0::DOUBLE))) - (0.040634290896342073::DOUBLE)) / (0.17754045752757164::DOUBLE) AS z143,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x144, (0.0::DOUBLE)), (0.0::DOUBLE)), (9.0::DOUBLE)), (0.0::DOUBLE))) - (0.08217820249457268::DOUBLE)) / (0.278555551350951::DOUBLE) AS z144,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x145, (0.0::DOUBLE)), (0.0::DOUBLE)), (9.0::DOUBLE)), (0.0::DOUBLE))) - (0.08217820249457268::DOUBLE)) / (0.278555551350951::DOUBLE) AS z145,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x146, (0.0::DOUBLE)), (0.0::DOUBLE)), (4.940438917838037::DOUBLE)), (0.0::DOUBLE))) - (0.06022368054979172::DOUBLE)) / (0.20874745529226116::DOUBLE) AS z146,
  (LEAST(GREATEST(COALESCE(x147, (5.988645833333333::DOUBLE)), (0.012662037037037038::DOUBLE)), (29.887534722222224::DOUBLE)) - (6.199949214050992::DOUBLE)) / (2.3385517948984873::DOUBLE) AS z147,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x148, (0.0::DOUBLE)), (0.0::DOUBLE)), (2.0::DOUBLE)), (0.0::DOUBLE))) - (0.01566489977705401::DOUBLE)) / (0.10358724748388048::DOUBLE) AS z148,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x149, (0.0::DOUBLE)), (0.0::DOUBLE)), (6.0::DOUBLE)), (0.0::DOUBLE))) - (0.08540776683891461::DOUBLE)) / (0.2532018583397133::DOUBLE) AS z149,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x150, (0.0::DOUBLE)), (0.0::DOUBLE)), (8.0::DOUBLE)), (0.0::DOUBLE))) - (0.17203761409482987::DOUBLE)) / (0.37334646386594444::DOUBLE) AS z150,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x151, (0.0::DOUBLE)), (0.0::DOUBLE)), (8.0::DOUBLE)), (0.0::DOUBLE))) - (0.17203761409482987::DOUBLE)) / (0.37334646386594444::DOUBLE) AS z151,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x152, (0.0::DOUBLE)), (0.0::DOUBLE)), (6.3173874106723815::DOUBLE)), (0.0::DOUBLE))) - (0.1267414034023352::DOUBLE)) / (0.28383281354243595::DOUBLE) AS z152,
  (LEAST(GREATEST(COALESCE(x153, (6.0997106481481485::DOUBLE)), (0.005659722222222222::DOUBLE)), (29.838993055555555::DOUBLE)) - (6.555439882052634::DOUBLE)) / (3.4132120366538707::DOUBLE) AS z153,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x154, (0.0::DOUBLE)), (0.0::DOUBLE)), (1.0::DOUBLE)), (0.0::DOUBLE))) - (0.001647299874581333::DOUBLE)) / (0.033750669130050384::DOUBLE) AS z154,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x155, (0.0::DOUBLE)), (0.0::DOUBLE)), (2.0::DOUBLE)), (0.0::DOUBLE))) - (0.010173900195116225::DOUBLE)) / (0.08406026292163563::DOUBLE) AS z155,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x156, (0.0::DOUBLE)), (0.0::DOUBLE)), (2.0::DOUBLE)), (0.0::DOUBLE))) - (0.02340074124885003::DOUBLE)) / (0.12980300940109::DOUBLE) AS z156,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x157, (0.0::DOUBLE)), (0.0::DOUBLE)), (2.0::DOUBLE)), (0.0::DOUBLE))) - (0.02340074124885003::DOUBLE)) / (0.12980300940109::DOUBLE) AS z157,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x158, (0.0::DOUBLE)), (0.0::DOUBLE)), (1.7343305118847638::DOUBLE)), (0.0::DOUBLE))) - (0.01619103107273712::DOUBLE)) / (0.09358049802231365::DOUBLE) AS z158,
  (LEAST(GREATEST(COALESCE(x159, (8.587118055555557::DOUBLE)), (0.008043981481481482::DOUBLE)), (29.45599537037037::DOUBLE)) - (8.655125013447567::DOUBLE)) / (1.5291352365328188::DOUBLE) AS z159,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x160, (0.0::DOUBLE)), (0.0::DOUBLE)), (2.0::DOUBLE)), (0.0::DOUBLE))) - (0.046083111037150626::DOUBLE)) / (0.17771638232126066::DOUBLE) AS z160,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x161, (0.0::DOUBLE)), (0.0::DOUBLE)), (9.0::DOUBLE)), (0.0::DOUBLE))) - (0.2305192705551938::DOUBLE)) / (0.4092292988370713::DOUBLE) AS z161,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x162, (0.0::DOUBLE)), (0.0::DOUBLE)), (20.0::DOUBLE)), (0.0::DOUBLE))) - (0.4435254340753913::DOUBLE)) / (0.5999482085923769::DOUBLE) AS z162,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x163, (0.0::DOUBLE)), (0.0::DOUBLE)), (20.0::DOUBLE)), (0.0::DOUBLE))) - (0.4435254340753913::DOUBLE)) / (0.5999482085923769::DOUBLE) AS z163,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x164, (0.0::DOUBLE)), (0.0::DOUBLE)), (10.558835287345573::DOUBLE)), (0.0::DOUBLE))) - (0.33749422364882925::DOUBLE)) / (0.4663052494906843::DOUBLE) AS z164,
  (LEAST(GREATEST(COALESCE(x165, (4.664201388888889::DOUBLE)), (0.0030671296296296297::DOUBLE)), (29.84287037037037::DOUBLE)) - (5.490296995569631::DOUBLE)) / (4.206723440791498::DOUBLE) AS z165,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x166, (0.0::DOUBLE)), (0.0::DOUBLE)), (4.0::DOUBLE)), (0.0::DOUBLE))) - (0.047561735402711275::DOUBLE)) / (0.18721575929626957::DOUBLE) AS z166,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x167, (0.0::DOUBLE)), (0.0::DOUBLE)), (10.0::DOUBLE)), (0.0::DOUBLE))) - (0.20780378551726028::DOUBLE)) / (0.420159974083299::DOUBLE) AS z167,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x168, (0.0::DOUBLE)), (0.0::DOUBLE)), (26.0::DOUBLE)), (0.0::DOUBLE))) - (0.3849964487398141::DOUBLE)) / (0.6141922233486085::DOUBLE) AS z168,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x169, (0.0::DOUBLE)), (0.0::DOUBLE)), (26.0::DOUBLE)), (0.0::DOUBLE))) - (0.3849964487398141::DOUBLE)) / (0.6141922233486085::DOUBLE) AS z169,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x170, (0.0::DOUBLE)), (0.0::DOUBLE)), (12.824460525996983::DOUBLE)), (0.0::DOUBLE))) - (0.29717456952826976::DOUBLE)) / (0.48415743711131454::DOUBLE) AS z170,
  (LEAST(GREATEST(COALESCE(x171, (4.231516203703704::DOUBLE)), (0.0014814814814814814::DOUBLE)), (29.877152777777777::DOUBLE)) - (4.944078429251144::DOUBLE)) / (3.7905461394498685::DOUBLE) AS z171,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x172, (0.0::DOUBLE)), (0.0::DOUBLE)), (4.0::DOUBLE)), (0.0::DOUBLE))) - (0.056516308239499914::DOUBLE)) / (0.2008569769097278::DOUBLE) AS z172,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x173, (0.0::DOUBLE)), (0.0::DOUBLE)), (10.0::DOUBLE)), (0.0::DOUBLE))) - (0.2631331260834839::DOUBLE)) / (0.4629164541541133::DOUBLE) AS z173,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x174, (0.0::DOUBLE)), (0.0::DOUBLE)), (19.0::DOUBLE)), (0.0::DOUBLE))) - (0.4800308474076885::DOUBLE)) / (0.6644935448253539::DOUBLE) AS z174,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x175, (0.0::DOUBLE)), (0.0::DOUBLE)), (19.0::DOUBLE)), (0.0::DOUBLE))) - (0.4800308474076885::DOUBLE)) / (0.6644935448253539::DOUBLE) AS z175,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x176, (0.0::DOUBLE)), (0.0::DOUBLE)), (12.946372616104782::DOUBLE)), (0.0::DOUBLE))) - (0.3722080346940174::DOUBLE)) / (0.5278898760198356::DOUBLE) AS z176,
  (LEAST(GREATEST(COALESCE(x177, (3.9128761574074074::DOUBLE)), (0.0016087962962962963::DOUBLE)), (29.625578703703702::DOUBLE)) - (4.8438826525809535::DOUBLE)) / (4.237282575835128::DOUBLE) AS z177,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x178, (0.0::DOUBLE)), (0.0::DOUBLE)), (2.0::DOUBLE)), (0.0::DOUBLE))) - (0.013834566583074748::DOUBLE)) / (0.09754804662768798::DOUBLE) AS z178,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x179, (0.0::DOUBLE)), (0.0::DOUBLE)), (3.0::DOUBLE)), (0.0::DOUBLE))) - (0.07573808708259287::DOUBLE)) / (0.22403352131421422::DOUBLE) AS z179,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x180, (0.0::DOUBLE)), (0.0::DOUBLE)), (5.0::DOUBLE)), (0.0::DOUBLE))) - (0.1610276906809469::DOUBLE)) / (0.3372259611948391::DOUBLE) AS z180,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x181, (0.0::DOUBLE)), (0.0::DOUBLE)), (5.0::DOUBLE)), (0.0::DOUBLE))) - (0.1610276906809469::DOUBLE)) / (0.3372259611948391::DOUBLE) AS z181,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x182, (0.0::DOUBLE)), (0.0::DOUBLE)), (2.8309976977761835::DOUBLE)), (0.0::DOUBLE))) - (0.11573336168936538::DOUBLE)) / (0.24962221734095216::DOUBLE) AS z182,
  (LEAST(GREATEST(COALESCE(x183, (6.585491898148148::DOUBLE)), (0.03217592592592593::DOUBLE)), (29.824467592592594::DOUBLE)) - (7.089108174346449::DOUBLE)) / (3.5845072208756488::DOUBLE) AS z183,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x184, (0.0::DOUBLE)), (0.0::DOUBLE)), (1.0::DOUBLE)), (0.0::DOUBLE))) - (0.004758866304346071::DOUBLE)) / (0.05723589741601664::DOUBLE) AS z184,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x185, (0.0::DOUBLE)), (0.0::DOUBLE)), (2.0::DOUBLE)), (0.0::DOUBLE))) - (0.027168475265038863::DOUBLE)) / (0.13923903876019572::DOUBLE) AS z185,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x186, (0.0::DOUBLE)), (0.0::DOUBLE)), (5.0::DOUBLE)), (0.0::DOUBLE))) - (0.062422114513984155::DOUBLE)) / (0.21837877424900767::DOUBLE) AS z186,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x187, (0.0::DOUBLE)), (0.0::DOUBLE)), (5.0::DOUBLE)), (0.0::DOUBLE))) - (0.062422114513984155::DOUBLE)) / (0.21837877424900767::DOUBLE) AS z187,
  (LN((1.0::DOUBLE) + GREATEST(LEAST(GREATEST(COALESCE(x188, (0.0::DOUBLE)), (0.0::DOUBLE)), (3.2774096357170492::DOUBLE)), (0.0::DOUBLE))) - (0.044789612577776826::DOUBLE)) / (0.1613112667390975::DOUBLE) AS z188,
  (LEAST(GREATEST(COALESCE(x189, (7.641527777777778::DOUBLE)), (0.0011689814814814816::DOUBLE)), (29.380208333333332::DOUBLE)) - (7.779572034323074::DOUBLE)) / (2.122872374961575::DOUBLE) AS z189
FROM base AS bs
),
mdl AS MATERIALIZED (
SELECT
  *,
  ((-3.0958974200388694::DOUBLE)
  + CASE WHEN x0 IS NULL THEN (0.0::DOUBLE) WHEN x0 = 0 THEN (0.28341230676224893::DOUBLE) WHEN x0 = 1 THEN (-0.07361759755525468::DOUBLE) WHEN x0 = 2 THEN (-0.019757259087197367::DOUBLE) WHEN x0 = 3 THEN (0.09610987108513513::DOUBLE) WHEN x0 = 4 THEN (-0.04958073542212078::DOUBLE) WHEN x0 = 5 THEN (-0.012690491783709195::DOUBLE) WHEN x0 = 6 THEN (-0.03504456178139815::DOUBLE) WHEN x0 = 7 THEN (-0.1888315322177047::DOUBLE) WHEN x0 = 8 THEN (0.0::DOUBLE) END
  + (0.23792452088639923::DOUBLE) * z1
  + (-0.04760732162511192::DOUBLE) * z2
  + CASE WHEN x2 IS NULL THEN (-0.0023271781140161998::DOUBLE) ELSE (0.0::DOUBLE) END
  + CASE WHEN x3 IS NULL THEN (0.0::DOUBLE) WHEN x3 = 0 THEN (-0.12367417602310576::DOUBLE) WHEN x3 = 1 THEN (0.11132790574669818::DOUBLE) WHEN x3 = 2 THEN (-0.012465576524595472::DOUBLE) WHEN x3 = 3 THEN (-0.014581471287856404::DOUBLE) WHEN x3 = 4 THEN (-0.1072967652586375::DOUBLE) WHEN x3 = 5 THEN (0.1026156764693269::DOUBLE) WHEN x3 = 6 THEN (-0.029902967873848576::DOUBLE) WHEN x3 = 7 THEN (-0.053460840516050254::DOUBLE) WHEN x3 = 8 THEN (0.03005498926843759::DOUBLE) WHEN x3 = 9 THEN (-0.004462123155928445::DOUBLE) WHEN x3 = 10 THEN (-0.040681817235916504::DOUBLE) WHEN x3 = 11 THEN (-0.030855023076989185::DOUBLE) WHEN x3 = 12 THEN (0.13623096728948098::DOUBLE) WHEN x3 = 13 THEN (0.0444739859628398::DOUBLE) WHEN x3 = 14 THEN (-0.03321589903148704::DOUBLE) WHEN x3 = 15 THEN (-0.07515737135495819::DOUBLE) WHEN x3 = 16 THEN (0.016285966664396346::DOUBLE) WHEN x3 = 17 THEN (0.04602544427023937::DOUBLE) WHEN x3 = 18 THEN (0.013058792396668233::DOUBLE) WHEN x3 = 19 THEN (0.0019665758517663215::DOUBLE) WHEN x3 = 20 THEN (0.0026857921097758726::DOUBLE) WHEN x3 = 21 THEN (0.07674191052968878::DOUBLE) WHEN x3 = 22 THEN (-0.03451000105382837::DOUBLE) WHEN x3 = 23 THEN (0.0073798465186296035::DOUBLE) WHEN x3 = 24 THEN (-0.030666916322660154::DOUBLE) WHEN x3 = 25 THEN (0.053182155403781::DOUBLE) WHEN x3 = 26 THEN (0.09132686144524943::DOUBLE) WHEN x3 = 27 THEN (-0.045664652258915944::DOUBLE) WHEN x3 = 28 THEN (0.007223463353369907::DOUBLE) WHEN x3 = 29 THEN (-0.016072658116799466::DOUBLE) WHEN x3 = 30 THEN (-0.02221255064400345::DOUBLE) WHEN x3 = 31 THEN (0.011841898296029557::DOUBLE) WHEN x3 = 32 THEN (0.01065646936399143::DOUBLE) WHEN x3 = 33 THEN (0.046882508003219255::DOUBLE) WHEN x3 = 34 THEN (0.011547850949898127::DOUBLE) WHEN x3 = 35 THEN (-0.016127445181972382::DOUBLE) WHEN x3 = 36 THEN (-0.02781637869452233::DOUBLE) WHEN x3 = 37 THEN (0.04490192597766626::DOUBLE) WHEN x3 = 38 THEN (-0.0443845383378996::DOUBLE) WHEN x3 = 39 THEN (-0.0354208334230876::DOUBLE) WHEN x3 = 40 THEN (0.05454046465324729::DOUBLE) WHEN x3 = 41 THEN (-0.022175702418322178::DOUBLE) WHEN x3 = 42 THEN (0.013160259942839855::DOUBLE) WHEN x3 = 43 THEN (-0.016781267954755066::DOUBLE) WHEN x3 = 44 THEN (-0.002523722521327628::DOUBLE) WHEN x3 = 45 THEN (-0.009994388464853394::DOUBLE) WHEN x3 = 46 THEN (0.01739073449255932::DOUBLE) WHEN x3 = 47 THEN (-0.03510299590640184::DOUBLE) WHEN x3 = 48 THEN (0.03882071683857851::DOUBLE) WHEN x3 = 49 THEN (0.026687437109645634::DOUBLE) WHEN x3 = 50 THEN (-0.006636688224664031::DOUBLE) WHEN x3 = 51 THEN (-0.02663824521470508::DOUBLE) WHEN x3 = 52 THEN (-0.010337094828559611::DOUBLE) WHEN x3 = 53 THEN (-0.01022497778012543::DOUBLE) WHEN x3 = 54 THEN (-0.03165184899030195::DOUBLE) WHEN x3 = 55 THEN (0.02201976681256443::DOUBLE) WHEN x3 = 56 THEN (-0.021911042260036474::DOUBLE) WHEN x3 = 57 THEN (0.013120807255535324::DOUBLE) WHEN x3 = 58 THEN (-0.014035884698010254::DOUBLE) WHEN x3 = 59 THEN (0.0980679672240138::DOUBLE) WHEN x3 = 60 THEN (-0.01230655237131182::DOUBLE) WHEN x3 = 61 THEN (-0.028744168231101937::DOUBLE) WHEN x3 = 62 THEN (-0.0057238607283028224::DOUBLE) WHEN x3 = 63 THEN (-0.012423280171728765::DOUBLE) WHEN x3 = 64 THEN (-0.0068937009964482356::DOUBLE) WHEN x3 = 65 THEN (-0.07748371306611927::DOUBLE) END
  + CASE WHEN x4 IS NULL THEN (0.0::DOUBLE) WHEN x4 = 0 THEN (-0.33142966577936717::DOUBLE) WHEN x4 = 1 THEN (-0.1304994375088586::DOUBLE) WHEN x4 = 2 THEN (0.11945183834677094::DOUBLE) WHEN x4 = 3 THEN (0.3631041409358095::DOUBLE) WHEN x4 = 4 THEN (-0.020626875994355576::DOUBLE) WHEN x4 = 5 THEN (0.0::DOUBLE) END
  + CASE WHEN x5 IS NULL THEN (0.0::DOUBLE) WHEN x5 = 0 THEN (0.1429347441262165::DOUBLE) WHEN x5 = 1 THEN (0.05939620445409481::DOUBLE) WHEN x5 = 2 THEN (-0.04863903490098306::DOUBLE) WHEN x5 = 3 THEN (0.03544559020979266::DOUBLE) WHEN x5 = 4 THEN (-0.0794324789734591::DOUBLE) WHEN x5 = 5 THEN (-0.07531095317855441::DOUBLE) WHEN x5 = 6 THEN (-0.12562965827853703::DOUBLE) WHEN x5 = 7 THEN (-0.07358813581663448::DOUBLE) WHEN x5 = 8 THEN (0.05536934590106121::DOUBLE) WHEN x5 = 9 THEN (-0.05540290461190117::DOUBLE) WHEN x5 = 10 THEN (0.1648572810689028::DOUBLE) WHEN x5 = 11 THEN (0.0::DOUBLE) END
  + CASE WHEN x6 IS NULL THEN (0.0::DOUBLE) WHEN x6 = 0 THEN (0.03044792593649047::DOUBLE) WHEN x6 = 1 THEN (-0.1260489132231212::DOUBLE) WHEN x6 = 2 THEN (-0.14997915849033758::DOUBLE) WHEN x6 = 3 THEN (-0.22001275197453107::DOUBLE) WHEN x6 = 4 THEN (0.13917314847985102::DOUBLE) WHEN x6 = 5 THEN (0.010019234236417977::DOUBLE) WHEN x6 = 6 THEN (0.30802831495403865::DOUBLE) WHEN x6 = 7 THEN (0.008372200081190715::DOUBLE) WHEN x6 = 8 THEN (0.0::DOUBLE) END
  + (-0.40407819687140467::DOUBLE) * z7
  + CASE WHEN x8 IS NULL THEN (0.0::DOUBLE) WHEN x8 = 0 THEN (0.0952855330733527::DOUBLE) WHEN x8 = 1 THEN (-0.09338628237938683::DOUBLE) WHEN x8 = 2 THEN (0.07533490914165321::DOUBLE) WHEN x8 = 3 THEN (-0.03127050560124509::DOUBLE) WHEN x8 = 4 THEN (0.0751985555760958::DOUBLE) WHEN x8 = 5 THEN (0.03415173667225094::DOUBLE) WHEN x8 = 6 THEN (-0.12124343453087293::DOUBLE) WHEN x8 = 7 THEN (-0.16375817283778007::DOUBLE) WHEN x8 = 8 THEN (0.18572903096641594::DOUBLE) WHEN x8 = 9 THEN (-0.11068152819023057::DOUBLE) WHEN x8 = 10 THEN (0.056381704719219265::DOUBLE) WHEN x8 = 11 THEN (-0.02845293176481948::DOUBLE) WHEN x8 = 12 THEN (-0.09982190643399622::DOUBLE) WHEN x8 = 13 THEN (0.03424165811791558::DOUBLE) WHEN x8 = 14 THEN (-0.037412267767315335::DOUBLE) WHEN x8 = 15 THEN (0.02534413861006529::DOUBLE) WHEN x8 = 16 THEN (-0.09152806597596588::DOUBLE) WHEN x8 = 17 THEN (0.08173619603795437::DOUBLE) WHEN x8 = 18 THEN (-0.07449362039175074::DOUBLE) WHEN x8 = 19 THEN (0.021131013324595455::DOUBLE) WHEN x8 = 20 THEN (-0.02584235852292269::DOUBLE) WHEN x8 = 21 THEN (0.1650298093628998::DOUBLE) WHEN x8 = 22 THEN (0.06434754825508635::DOUBLE) WHEN x8 = 23 THEN (-0.0360207594612199::DOUBLE) WHEN x8 = 24 THEN (0.0::DOUBLE) END
  + CASE WHEN x9 IS NULL THEN (0.0::DOUBLE) WHEN x9 = 0 THEN (-0.047598157912072114::DOUBLE) WHEN x9 = 1 THEN (-0.128524783026099::DOUBLE) WHEN x9 = 2 THEN (-0.03373399890446434::DOUBLE) WHEN x9 = 3 THEN (0.1040011264575422::DOUBLE) WHEN x9 = 4 THEN (0.0796890071675365::DOUBLE) WHEN x9 = 5 THEN (-0.10021398391825992::DOUBLE) WHEN x9 = 6 THEN (0.12638079013581566::DOUBLE) WHEN x9 = 7 THEN (0.0::DOUBLE) END
  + (0.09508938692979561::DOUBLE) * z10
  + (-0.09013694280213692::DOUBLE) * z11
  + (0.03186215710816984::DOUBLE) * z12
  + (0.03186215710816984::DOUBLE) * z13
  + (0.06845201625011053::DOUBLE) * z14
  + (0.005375026609576708::DOUBLE) * z15
  + (-0.24312474325266326::DOUBLE) * z16
  + (0.13638959908535275::DOUBLE) * z17
  + (-0.006246310696491671::DOUBLE) * z18
  + CASE WHEN x18 IS NULL THEN (-0.046645928603391874::DOUBLE) ELSE (0.0::DOUBLE) END
  + (-0.05545966194420651::DOUBLE) * z19
  + (0.004837039198072684::DOUBLE) * z20
  + (-0.0017388020600399893::DOUBLE) * z21
  + (0.03647923769747077::DOUBLE) * z22
  + (0.0478169869289124::DOUBLE) * z23
  + (0.04101191834515434::DOUBLE) * z24
  + (0.04101191834515434::DOUBLE) * z25
  + (0.01751561842312925::DOUBLE) * z26
  + (0.0765351685543069::DOUBLE) * z27
  + CASE WHEN x27 IS NULL THEN (0.04735098725031718::DOUBLE) ELSE (0.0::DOUBLE) END
  + (0.0746523891307414::DOUBLE) * z28
  + (0.03650252015522658::DOUBLE) * z29
  + (-0.046731790355503636::DOUBLE) * z30
  + (-0.046731790355503636::DOUBLE) * z31
  + (-0.055544841223835066::DOUBLE) * z32
  + (0.0133231034797577::DOUBLE) * z33
  + (-0.008020514020250034::DOUBLE) * z34
  + (0.0010765769459446747::DOUBLE) * z35
  + (0.018922817883332325::DOUBLE) * z36
  + (0.018922817883332325::DOUBLE) * z37
  + (0.015599187891290176::DOUBLE) * z38
  + (-0.0011250886603511158::DOUBLE) * z39
  + CASE WHEN x39 IS NULL THEN (0.018159078587015164::DOUBLE) ELSE (0.0::DOUBLE) END
  + (-0.0068718748560896055::DOUBLE) * z40
  + (0.0623119907348761::DOUBLE) * z41
  + (-0.015685116053253286::DOUBLE) * z42
  + (-0.015685116053253286::DOUBLE) * z43
  + (-0.01348892337932837::DOUBLE) * z44
  + (0.023513301553468154::DOUBLE) * z45
  + CASE WHEN x45 IS NULL THEN (0.015383613161766983::DOUBLE) ELSE (0.0::DOUBLE) END
  + (0.010423118330165045::DOUBLE) * z46
  + (-0.10780466153771247::DOUBLE) * z47
  + (-0.024598314310772782::DOUBLE) * z48
  + (-0.024598314310772782::DOUBLE) * z49
  + (-0.019106043349031404::DOUBLE) * z50
  + (-0.06337882176745474::DOUBLE) * z51
  + CASE WHEN x51 IS NULL THEN (0.016928174265682754::DOUBLE) ELSE (0.0::DOUBLE) END
  + (0.053252840773464746::DOUBLE) * z52
  + (-0.07004348556285285::DOUBLE) * z53
  + (0.055490326282006265::DOUBLE) * z54
  + (0.055490326282006265::DOUBLE) * z55
  + (0.049628446534037196::DOUBLE) * z56
  + (-0.06795959716098965::DOUBLE) * z57
  + CASE WHEN x57 IS NULL THEN (0.03207735464611771::DOUBLE) ELSE (0.0::DOUBLE) END
  + (0.03256437082539165::DOUBLE) * z58
  + (0.05978076333430086::DOUBLE) * z59
  + (0.012097393749993409::DOUBLE) * z60
  + (0.012097393749993409::DOUBLE) * z61
  + (-0.019407402010194957::DOUBLE) * z62
  + (0.05365846250163681::DOUBLE) * z63
  + CASE WHEN x63 IS NULL THEN (-0.04694787344750526::DOUBLE) ELSE (0.0::DOUBLE) END
  + (-0.0072483807480399004::DOUBLE) * z64
  + (-0.07086100578269217::DOUBLE) * z65
  + (-0.003254627385216732::DOUBLE) * z66
  + (-0.003254627385216732::DOUBLE) * z67
  + (0.011630044417624816::DOUBLE) * z68
  + (-0.037412381856638456::DOUBLE) * z69
  + CASE WHEN x69 IS NULL THEN (-0.04431957631829254::DOUBLE) ELSE (0.0::DOUBLE) END
  + (0.08718890599950488::DOUBLE) * z70
  + (-9.136559043506395e-05::DOUBLE) * z71
  + (0.042773182925510723::DOUBLE) * z72
  + (0.042773182925510723::DOUBLE) * z73
  + (0.023624489793472432::DOUBLE) * z74
  + (0.06346930734634422::DOUBLE) * z75
  + CASE WHEN x75 IS NULL THEN (-0.010005508356655876::DOUBLE) ELSE (0.0::DOUBLE) END
  + (0.0451309781628992::DOUBLE) * z76
  + (-0.05655250965236679::DOUBLE) * z77
  + (-0.043970906529289415::DOUBLE) * z78
  + (-0.043970906529289415::DOUBLE) * z79
  + (-0.06520544262271864::DOUBLE) * z80
  + (0.0011006550364319801::DOUBLE) * z81
  + CASE WHEN x81 IS NULL THEN (-0.0010318972387213731::DOUBLE) ELSE (0.0::DOUBLE) END
  + (-0.007394962458011035::DOUBLE) * z82
  + (0.053436433577107756::DOUBLE) * z83
  + (0.038422514609457524::DOUBLE) * z84
  + (0.038422514609457524::DOUBLE) * z85
  + (-0.002162946375151776::DOUBLE) * z86
  + (0.06753322691573047::DOUBLE) * z87
  + CASE WHEN x87 IS NULL THEN (-0.022954787894459316::DOUBLE) ELSE (0.0::DOUBLE) END
  + (-0.07539100143123578::DOUBLE) * z88
  + (0.013820431629856494::DOUBLE) * z89
  + (-0.02529157344497774::DOUBLE) * z90
  + (-0.02529157344497774::DOUBLE) * z91
  + (-0.03833107696177872::DOUBLE) * z92
  + (-0.05321770474116068::DOUBLE) * z93
  + CASE WHEN x93 IS NULL THEN (-0.046645928603391874::DOUBLE) ELSE (0.0::DOUBLE) END
  + (0.11633071753341269::DOUBLE) * z94
  + (0.07065509286627634::DOUBLE) * z95
  + (-0.025878504462159228::DOUBLE) * z96
  + (-0.025878504462159228::DOUBLE) * z97
  + (-0.003708630952440214::DOUBLE) * z98
  + (0.01640879784443628::DOUBLE) * z99
  + (0.08841898692372922::DOUBLE) * z100
  + (-0.009129921447868618::DOUBLE) * z101
  + (-0.05545966194420231::DOUBLE) * z102
  + (-0.05545966194420231::DOUBLE) * z103
  + (-0.03521685452193463::DOUBLE) * z104
  + (-0.06546953346618731::DOUBLE) * z105
  + CASE WHEN x105 IS NULL THEN (0.006075117509683479::DOUBLE) ELSE (0.0::DOUBLE) END
  + (-0.024764137879113104::DOUBLE) * z106
  + (0.012017000607140838::DOUBLE) * z107
  + (0.04970129005058715::DOUBLE) * z108
  + (0.04970129005058715::DOUBLE) * z109
  + (0.04908021885800102::DOUBLE) * z110
  + (0.02115772571391961::DOUBLE) * z111
  + CASE WHEN x111 IS NULL THEN (-0.028699598306253484::DOUBLE) ELSE (0.0::DOUBLE) END
  + (0.039672316932694573::DOUBLE) * z112
  + (-0.05273679105013179::DOUBLE) * z113
  + (0.03646511389905409::DOUBLE) * z114
  + (0.03646511389905409::DOUBLE) * z115
  + (0.02988962970049029::DOUBLE) * z116
  + (0.05293450933571734::DOUBLE) * z117
  + CASE WHEN x117 IS NULL THEN (-0.008345481269369225::DOUBLE) ELSE (0.0::DOUBLE) END
  + (0.03647923769747077::DOUBLE) * z118
  + (0.0478169869289124::DOUBLE) * z119
  + (0.04101191834515434::DOUBLE) * z120
  + (0.04101191834515434::DOUBLE) * z121
  + (0.01751561842312925::DOUBLE) * z122
  + (0.0765351685543069::DOUBLE) * z123
  + CASE WHEN x123 IS NULL THEN (0.04735098725031718::DOUBLE) ELSE (0.0::DOUBLE) END
  + (0.030603731675627504::DOUBLE) * z124
  + (-0.004602393762414451::DOUBLE) * z125
  + (0.02364303757447037::DOUBLE) * z126
  + (0.02364303757447037::DOUBLE) * z127
  + (0.03425502873330089::DOUBLE) * z128
  + (-0.0367061359869778::DOUBLE) * z129
  + CASE WHEN x129 IS NULL THEN (-0.005447221597685822::DOUBLE) ELSE (0.0::DOUBLE) END
  + (0.025433449207981358::DOUBLE) * z130
  + (-0.056761479318785744::DOUBLE) * z131
  + (0.047332719866569825::DOUBLE) * z132
  + (0.047332719866569825::DOUBLE) * z133
  + (0.03765675278616259::DOUBLE) * z134
  + (-0.06252317876345202::DOUBLE) * z135
  + CASE WHEN x135 IS NULL THEN (0.03153334316502712::DOUBLE) ELSE (0.0::DOUBLE) END
  + (0.005209461405774446::DOUBLE) * z136
  + (-0.036718861415873306::DOUBLE) * z137
  + (0.0336670390743927::DOUBLE) * z138
  + (0.0336670390743927::DOUBLE) * z139
  + (0.058195792176301685::DOUBLE) * z140
  + (-0.15176706222154288::DOUBLE) * z141
  + CASE WHEN x141 IS NULL THEN (0.04882516186946018::DOUBLE) ELSE (0.0::DOUBLE) END
  + (0.014713489125597706::DOUBLE) * z142
  + (0.024078403671527908::DOUBLE) * z143
  + (0.008869257317753926::DOUBLE) * z144
  + (0.008869257317753926::DOUBLE) * z145
  + (-0.012902003212889635::DOUBLE) * z146
  + (-0.05374749429859419::DOUBLE) * z147
  + CASE WHEN x147 IS NULL THEN (0.0005029449948940161::DOUBLE) ELSE (0.0::DOUBLE) END
  + (0.09090922978845507::DOUBLE) * z148
  + (0.039957205477033506::DOUBLE) * z149
  + (0.029669918902930022::DOUBLE) * z150
  + (0.029669918902930022::DOUBLE) * z151
  + (-0.008614560509170983::DOUBLE) * z152
  + (0.0292993753103969::DOUBLE) * z153
  + CASE WHEN x153 IS NULL THEN (-0.08850356322082503::DOUBLE) ELSE (0.0::DOUBLE) END
  + (0.01321270166679392::DOUBLE) * z154
  + (0.011640659527397268::DOUBLE) * z155
  + (-0.0032504613569979907::DOUBLE) * z156
  + (-0.0032504613569979907::DOUBLE) * z157
  + (-0.01271653755252554::DOUBLE) * z158
  + (0.023143013846178586::DOUBLE) * z159
  + CASE WHEN x159 IS NULL THEN (0.005161561226485165::DOUBLE) ELSE (0.0::DOUBLE) END
  + (0.054148297613246944::DOUBLE) * z160
  + (-0.05716362034714479::DOUBLE) * z161
  + (0.019120005701746226::DOUBLE) * z162
  + (0.019120005701746226::DOUBLE) * z163
  + (-0.0009004318528163213::DOUBLE) * z164
  + (-0.030651477946918904::DOUBLE) * z165
  + CASE WHEN x165 IS NULL THEN (-0.03565296992013655::DOUBLE) ELSE (0.0::DOUBLE) END
  + (0.10893309560221924::DOUBLE) * z166
  + (-0.03550242072984537::DOUBLE) * z167
  + (0.06755818329337235::DOUBLE) * z168
  + (0.06755818329337235::DOUBLE) * z169
  + (0.03959077484641122::DOUBLE) * z170
  + (0.0622908069314377::DOUBLE) * z171
  + CASE WHEN x171 IS NULL THEN (0.04000393143942508::DOUBLE) ELSE (0.0::DOUBLE) END
  + (-0.008842586671596929::DOUBLE) * z172
  + (0.04269944530685434::DOUBLE) * z173
  + (0.05807552946642687::DOUBLE) * z174
  + (0.05807552946642687::DOUBLE) * z175
  + (0.035456859377061::DOUBLE) * z176
  + (-0.07902243007566048::DOUBLE) * z177
  + CASE WHEN x177 IS NULL THEN (0.029641953558765005::DOUBLE) ELSE (0.0::DOUBLE) END
  + (0.04362268603607668::DOUBLE) * z178
  + (0.007392320531666356::DOUBLE) * z179
  + (-0.023102880950505663::DOUBLE) * z180
  + (-0.023102880950505663::DOUBLE) * z181
  + (-0.015277394540192057::DOUBLE) * z182
  + (-0.020214661795851564::DOUBLE) * z183
  + CASE WHEN x183 IS NULL THEN (0.04139316741106803::DOUBLE) ELSE (0.0::DOUBLE) END
  + (0.03256437082539165::DOUBLE) * z184
  + (0.05978076333430086::DOUBLE) * z185
  + (0.012097393749993409::DOUBLE) * z186
  + (0.012097393749993409::DOUBLE) * z187
  + (-0.019407402010194957::DOUBLE) * z188
  + (0.05365846250163681::DOUBLE) * z189
  + CASE WHEN x189 IS NULL THEN (-0.04694787344750526::DOUBLE) ELSE (0.0::DOUBLE) END) AS raw_score,
  GREATEST((-40.0::DOUBLE), LEAST((40.0::DOUBLE), ((0.0::DOUBLE) + rp0 + rp1 + rp2 + rp3 + rp4 + rp5 + rp6 + rp7 + rp8 + rp9 + rp10 + rp11 + rp12 + rp13 + rp14 + rp15))) AS rules_fit,
  GREATEST((-60.0::DOUBLE), LEAST((60.0::DOUBLE), ((0.0::DOUBLE) + rp16 + rp17 + rp18 + rp19 + rp20 + rp21 + rp22 + rp23 + rp24 + rp25 + rp26 + rp27 + rp28 + rp29 + rp30 + rp31 + rp32))) AS rules_eng,
  CASE WHEN rf33 > 0 THEN 1 ELSE 0 END AS rules_disq,
  (((0.0::DOUBLE)) + GREATEST((-40.0::DOUBLE), LEAST((40.0::DOUBLE), ((0.0::DOUBLE) + rp0 + rp1 + rp2 + rp3 + rp4 + rp5 + rp6 + rp7 + rp8 + rp9 + rp10 + rp11 + rp12 + rp13 + rp14 + rp15))) + GREATEST((-60.0::DOUBLE), LEAST((60.0::DOUBLE), ((0.0::DOUBLE) + rp16 + rp17 + rp18 + rp19 + rp20 + rp21 + rp22 + rp23 + rp24 + rp25 + rp26 + rp27 + rp28 + rp29 + rp30 + rp31 + rp32)))) AS rules_points,
  ((0.0::DOUBLE)
    + CASE WHEN x0 = 0 THEN (0.22234432621881214::DOUBLE) ELSE (-0.061067980543436796::DOUBLE) END
    + CASE WHEN x0 = 1 THEN (-0.0626342485669476::DOUBLE) ELSE (0.010983348988307077::DOUBLE) END
    + CASE WHEN x0 = 2 THEN (-0.016835668094635835::DOUBLE) ELSE (0.0029215909925615333::DOUBLE) END
    + CASE WHEN x0 = 3 THEN (0.08405489649695473::DOUBLE) ELSE (-0.012054974588180403::DOUBLE) END
    + CASE WHEN x0 = 4 THEN (-0.0443830718460495::DOUBLE) ELSE (0.0051976635760712835::DOUBLE) END
    + CASE WHEN x0 = 5 THEN (-0.011360118074141582::DOUBLE) ELSE (0.0013303737095676131::DOUBLE) END
    + CASE WHEN x0 = 6 THEN (-0.031740915476682244::DOUBLE) ELSE (0.003303646304715907::DOUBLE) END
    + CASE WHEN x0 = 7 THEN (-0.17786165181424682::DOUBLE) ELSE (0.010969880403457892::DOUBLE) END
    + CASE WHEN x0 = 8 THEN (0.0::DOUBLE) ELSE (0.0::DOUBLE) END
    + CASE WHEN x0 IS NULL THEN (0.0::DOUBLE) ELSE (0.0::DOUBLE) END) AS ctr0,
  ((0.0::DOUBLE)
    + (0.23792452088639923::DOUBLE) * (z1 - (2.6009766766502214e-15::DOUBLE))) AS ctr1,
  ((0.0::DOUBLE)
    + (-0.04760732162511192::DOUBLE) * (z2 - (5.559273957764103e-14::DOUBLE))
    + CASE WHEN x2 IS NULL THEN (-0.0017175766645564504::DOUBLE) ELSE (0.0006096014494597492::DOUBLE) END) AS ctr2,
  ((0.0::DOUBLE)
    + CASE WHEN x3 = 0 THEN (-0.11508523799984809::DOUBLE) ELSE (0.008588938023257674::DOUBLE) END
    + CASE WHEN x3 = 1 THEN (0.10453710927786077::DOUBLE) ELSE (-0.0067907964688374125::DOUBLE) END
    + CASE WHEN x3 = 2 THEN (-0.011823699729692879::DOUBLE) ELSE (0.0006418767949025923::DOUBLE) END
    + CASE WHEN x3 = 3 THEN (-0.013934603800040224::DOUBLE) ELSE (0.0006468674878161805::DOUBLE) END
    + CASE WHEN x3 = 4 THEN (-0.10270683233761842::DOUBLE) ELSE (0.004589932921019085::DOUBLE) END
    + CASE WHEN x3 = 5 THEN (0.09836147493627057::DOUBLE) ELSE (-0.004254201533056331::DOUBLE) END
    + CASE WHEN x3 = 6 THEN (-0.02875801663495023::DOUBLE) ELSE (0.0011449512388983479::DOUBLE) END
    + CASE WHEN x3 = 7 THEN (-0.05159740482866746::DOUBLE) ELSE (0.0018634356873827923::DOUBLE) END
    + CASE WHEN x3 = 8 THEN (0.029023262676175405::DOUBLE) ELSE (-0.0010317265922621828::DOUBLE) END
    + CASE WHEN x3 = 9 THEN (-0.0043490088641489014::DOUBLE) ELSE (0.00011311429177954336::DOUBLE) END
    + CASE WHEN x3 = 10 THEN (-0.039693507971141136::DOUBLE) ELSE (0.000988309264775368::DOUBLE) END
    + CASE WHEN x3 = 11 THEN (-0.03011358999011144::DOUBLE) ELSE (0.0007414330868777438::DOUBLE) END
    + CASE WHEN x3 = 12 THEN (0.13310128834726156::DOUBLE) ELSE (-0.003129678942219394::DOUBLE) END
    + CASE WHEN x3 = 13 THEN (0.043452270415238255::DOUBLE) ELSE (-0.0010217155476015482::DOUBLE) END
    + CASE WHEN x3 = 14 THEN (-0.03253175851803154::DOUBLE) ELSE (0.0006841405134555029::DOUBLE) END
    + CASE WHEN x3 = 15 THEN (-0.07380783313152614::DOUBLE) ELSE (0.0013495382234320456::DOUBLE) END
    + CASE WHEN x3 = 16 THEN (0.015993533146260897::DOUBLE) ELSE (-0.0002924335181354506::DOUBLE) END
    + CASE WHEN x3 = 17 THEN (0.04522331083431759::DOUBLE) ELSE (-0.0008021334359217847::DOUBLE) END
    + CASE WHEN x3 = 18 THEN (0.0128380998396609::DOUBLE) ELSE (-0.00022069255700733217::DOUBLE) END
    + CASE WHEN x3 = 19 THEN (0.001933340875660421::DOUBLE) ELSE (-3.323497610590034e-05::DOUBLE) END
    + CASE WHEN x3 = 20 THEN (0.0026460761451211462::DOUBLE) ELSE (-3.9715964654726394e-05::DOUBLE) END
    + CASE WHEN x3 = 21 THEN (0.07560709484717952::DOUBLE) ELSE (-0.001134815682509261::DOUBLE) END
    + CASE WHEN x3 = 22 THEN (-0.03403613782309188::DOUBLE) ELSE (0.0004738632307364867::DOUBLE) END
    + CASE WHEN x3 = 23 THEN (0.0072804612077106414::DOUBLE) ELSE (-9.938531091896219e-05::DOUBLE) END
    + CASE WHEN x3 = 24 THEN (-0.03027821498030798::DOUBLE) ELSE (0.0003887013423521752::DOUBLE) END
    + CASE WHEN x3 = 25 THEN (0.05250807474379117::DOUBLE) ELSE (-0.0006740806599898304::DOUBLE) END
    + CASE WHEN x3 = 26 THEN (0.09019341478881247::DOUBLE) ELSE (-0.0011334466564369484::DOUBLE) END
    + CASE WHEN x3 = 27 THEN (-0.045134088567499966::DOUBLE) ELSE (0.0005305636914159761::DOUBLE) END
    + CASE WHEN x3 = 28 THEN (0.007139536131941791::DOUBLE) ELSE (-8.392722142811617e-05::DOUBLE) END
    + CASE WHEN x3 = 29 THEN (-0.015907135627611407::DOUBLE) ELSE (0.00016552248918805894::DOUBLE) END
    + CASE WHEN x3 = 30 THEN (-0.022001393574242658::DOUBLE) ELSE (0.0002111570697607933::DOUBLE) END
    + CASE WHEN x3 = 31 THEN (0.011732453764642962::DOUBLE) ELSE (-0.0001094445313865948::DOUBLE) END
    + CASE WHEN x3 = 32 THEN (0.010569236580710805::DOUBLE) ELSE (-8.723278328062699e-05::DOUBLE) END
    + CASE WHEN x3 = 33 THEN (0.04649873252180922::DOUBLE) ELSE (-0.0003837754814100335::DOUBLE) END
    + CASE WHEN x3 = 34 THEN (0.011462469427163205::DOUBLE) ELSE (-8.538152273492146e-05::DOUBLE) END
    + CASE WHEN x3 = 35 THEN (-0.016008203443103827::DOUBLE) ELSE (0.00011924173886855735::DOUBLE) END
    + CASE WHEN x3 = 36 THEN (-0.027610712308610893::DOUBLE) ELSE (0.00020566638591144052::DOUBLE) END
    + CASE WHEN x3 = 37 THEN (0.04456993391868167::DOUBLE) ELSE (-0.00033199205898459344::DOUBLE) END
    + CASE WHEN x3 = 38 THEN (-0.044103252644709844::DOUBLE) ELSE (0.0002812856931897519::DOUBLE) END
    + CASE WHEN x3 = 39 THEN (-0.03519635494351165::DOUBLE) ELSE (0.00022447847957594464::DOUBLE) END
    + CASE WHEN x3 = 40 THEN (0.05419481607873503::DOUBLE) ELSE (-0.0003456485745122617::DOUBLE) END
    + CASE WHEN x3 = 41 THEN (-0.022035164563017257::DOUBLE) ELSE (0.00014053785530492006::DOUBLE) END
    + CASE WHEN x3 = 42 THEN (0.013080332301254084::DOUBLE) ELSE (-7.99276415857715e-05::DOUBLE) END
    + CASE WHEN x3 = 43 THEN (-0.01669264229880178::DOUBLE) ELSE (8.86256559532879e-05::DOUBLE) END
    + CASE WHEN x3 = 44 THEN (-0.0025103941742384934::DOUBLE) ELSE (1.3328347089134555e-05::DOUBLE) END
    + CASE WHEN x3 = 45 THEN (-0.009941605848191901::DOUBLE) ELSE (5.2782616661491385e-05::DOUBLE) END
    + CASE WHEN x3 = 46 THEN (0.01729889010654105::DOUBLE) ELSE (-9.184438601826946e-05::DOUBLE) END
    + CASE WHEN x3 = 47 THEN (-0.03491760907827191::DOUBLE) ELSE (0.00018538682812992786::DOUBLE) END
    + CASE WHEN x3 = 48 THEN (0.03862594693629887::DOUBLE) ELSE (-0.0001947699022796387::DOUBLE) END
    + CASE WHEN x3 = 49 THEN (0.026553541861406058::DOUBLE) ELSE (-0.00013389524823957408::DOUBLE) END
    + CASE WHEN x3 = 50 THEN (-0.006603390871543192::DOUBLE) ELSE (3.3297353120838813e-05::DOUBLE) END
    + CASE WHEN x3 = 51 THEN (-0.026525699156232603::DOUBLE) ELSE (0.00011254605847247987::DOUBLE) END
    + CASE WHEN x3 = 52 THEN (-0.01029342080763092::DOUBLE) ELSE (4.367402092869126e-05::DOUBLE) END
    + CASE WHEN x3 = 53 THEN (-0.01018177745150594::DOUBLE) ELSE (4.320032861948954e-05::DOUBLE) END
    + CASE WHEN x3 = 54 THEN (-0.03151812055516996::DOUBLE) ELSE (0.00013372843513198606::DOUBLE) END
    + CASE WHEN x3 = 55 THEN (0.0219267337338739::DOUBLE) ELSE (-9.303307869052835e-05::DOUBLE) END
    + CASE WHEN x3 = 56 THEN (-0.02181846854042713::DOUBLE) ELSE (9.257371960934344e-05::DOUBLE) END
    + CASE WHEN x3 = 57 THEN (0.013072301498583253::DOUBLE) ELSE (-4.8505756952071435e-05::DOUBLE) END
    + CASE WHEN x3 = 58 THEN (-0.013991408696854689::DOUBLE) ELSE (4.4476001155564575e-05::DOUBLE) END
    + CASE WHEN x3 = 59 THEN (0.09775721580951996::DOUBLE) ELSE (-0.0003107514144938383::DOUBLE) END
    + CASE WHEN x3 = 60 THEN (-0.012267556166279937::DOUBLE) ELSE (3.899620503188324e-05::DOUBLE) END
    + CASE WHEN x3 = 61 THEN (-0.02865308557496958::DOUBLE) ELSE (9.108265613235364e-05::DOUBLE) END
    + CASE WHEN x3 = 62 THEN (-0.005705723329639069::DOUBLE) ELSE (1.8137398663753332e-05::DOUBLE) END
    + CASE WHEN x3 = 63 THEN (-0.01238391408721312::DOUBLE) ELSE (3.9366084515644356e-05::DOUBLE) END
    + CASE WHEN x3 = 64 THEN (-0.006871856683810956::DOUBLE) ELSE (2.1844312637279857e-05::DOUBLE) END
    + CASE WHEN x3 = 65 THEN (-0.07455786913465504::DOUBLE) ELSE (0.0029258439314642348::DOUBLE) END
    + CASE WHEN x3 IS NULL THEN (0.0::DOUBLE) ELSE (0.0::DOUBLE) END) AS ctr3,
  ((0.0::DOUBLE)
    + CASE WHEN x4 = 0 THEN (-0.21249306271779866::DOUBLE) ELSE (0.11893660306156852::DOUBLE) END
    + CASE WHEN x4 = 1 THEN (-0.09038817654759336::DOUBLE) ELSE (0.04011126096126522::DOUBLE) END
    + CASE WHEN x4 = 2 THEN (0.09847600721378898::DOUBLE) ELSE (-0.02097583113298196::DOUBLE) END
    + CASE WHEN x4 = 3 THEN (0.3240802736633314::DOUBLE) ELSE (-0.03902386727247807::DOUBLE) END
    + CASE WHEN x4 = 4 THEN (-0.019581098283524768::DOUBLE) ELSE (0.0010457777108308082::DOUBLE) END
    + CASE WHEN x4 = 5 THEN (0.0::DOUBLE) ELSE (0.0::DOUBLE) END
    + CASE WHEN x4 IS NULL THEN (0.0::DOUBLE) ELSE (0.0::DOUBLE) END) AS ctr4,
  ((0.0::DOUBLE)
    + CASE WHEN x5 = 0 THEN (0.08228089310672088::DOUBLE) ELSE (-0.06065385101949563::DOUBLE) END
    + CASE WHEN x5 = 1 THEN (0.05407924820642168::DOUBLE) ELSE (-0.00531695624767313::DOUBLE) END
    + CASE WHEN x5 = 2 THEN (-0.04431071307324836::DOUBLE) ELSE (0.004328321827734695::DOUBLE) END
    + CASE WHEN x5 = 3 THEN (0.032394293033032054::DOUBLE) ELSE (-0.003051297176760604::DOUBLE) END
    + CASE WHEN x5 = 4 THEN (-0.07374824295502568::DOUBLE) ELSE (0.005684236018433435::DOUBLE) END
    + CASE WHEN x5 = 5 THEN (-0.07109497164334092::DOUBLE) ELSE (0.004215981535213503::DOUBLE) END
    + CASE WHEN x5 = 6 THEN (-0.12005643868762227::DOUBLE) ELSE (0.005573219590914767::DOUBLE) END
    + CASE WHEN x5 = 7 THEN (-0.0704207563241308::DOUBLE) ELSE (0.0031673794925036755::DOUBLE) END
    + CASE WHEN x5 = 8 THEN (0.0530738647005155::DOUBLE) ELSE (-0.002295481200545712::DOUBLE) END
    + CASE WHEN x5 = 9 THEN (-0.053764371388628676::DOUBLE) ELSE (0.0016385332232724931::DOUBLE) END
    + CASE WHEN x5 = 10 THEN (0.1607217010051199::DOUBLE) ELSE (-0.00413558006378288::DOUBLE) END
    + CASE WHEN x5 = 11 THEN (0.0::DOUBLE) ELSE (0.0::DOUBLE) END
    + CASE WHEN x5 IS NULL THEN (0.0::DOUBLE) ELSE (0.0::DOUBLE) END) AS ctr5,
  ((0.0::DOUBLE)
    + CASE WHEN x6 = 0 THEN (0.023034937366793025::DOUBLE) ELSE (-0.0074129885696974426::DOUBLE) END
    + CASE WHEN x6 = 1 THEN (-0.10408105403979404::DOUBLE) ELSE (0.02196785918332717::DOUBLE) END
    + CASE WHEN x6 = 2 THEN (-0.12894960127925514::DOUBLE) ELSE (0.02102955721108245::DOUBLE) END
    + CASE WHEN x6 = 3 THEN (-0.19247484744959636::DOUBLE) ELSE (0.027537904524934702::DOUBLE) END
    + CASE WHEN x6 = 4 THEN (0.1255755606959733::DOUBLE) ELSE (-0.013597587783877705::DOUBLE) END
    + CASE WHEN x6 = 5 THEN (0.009146155995589371::DOUBLE) ELSE (-0.0008730782408286064::DOUBLE) END
    + CASE WHEN x6 = 6 THEN (0.286636330049652::DOUBLE) ELSE (-0.021391984904386627::DOUBLE) END
    + CASE WHEN x6 = 7 THEN (0.007848246709328504::DOUBLE) ELSE (-0.0005239533718622126::DOUBLE) END
    + CASE WHEN x6 = 8 THEN (0.0::DOUBLE) ELSE (0.0::DOUBLE) END
    + CASE WHEN x6 IS NULL THEN (0.0::DOUBLE) ELSE (0.0::DOUBLE) END) AS ctr6,
  ((0.0::DOUBLE)
    + (-0.40407819687140467::DOUBLE) * (z7 - (1.146172614906292e-16::DOUBLE))) AS ctr7,
  ((0.0::DOUBLE)
    + CASE WHEN x8 = 0 THEN (0.08949845290253909::DOUBLE) ELSE (-0.005787080170813605::DOUBLE) END
    + CASE WHEN x8 = 1 THEN (-0.0884790021592923::DOUBLE) ELSE (0.0049072802200945285::DOUBLE) END
    + CASE WHEN x8 = 2 THEN (0.0715353401830961::DOUBLE) ELSE (-0.0037995689585571066::DOUBLE) END
    + CASE WHEN x8 = 3 THEN (-0.029751157032291014::DOUBLE) ELSE (0.001519348568954079::DOUBLE) END
    + CASE WHEN x8 = 4 THEN (0.07156471990922875::DOUBLE) ELSE (-0.0036338356668670535::DOUBLE) END
    + CASE WHEN x8 = 5 THEN (0.032510433246227786::DOUBLE) ELSE (-0.0016413034260231503::DOUBLE) END
    + CASE WHEN x8 = 6 THEN (-0.11548060954656948::DOUBLE) ELSE (0.0057628249843034406::DOUBLE) END
    + CASE WHEN x8 = 7 THEN (-0.15597457867068198::DOUBLE) ELSE (0.007783594167098076::DOUBLE) END
    + CASE WHEN x8 = 8 THEN (0.1774406216098476::DOUBLE) ELSE (-0.008288409356568337::DOUBLE) END
    + CASE WHEN x8 = 9 THEN (-0.10580066861595845::DOUBLE) ELSE (0.004880859574272116::DOUBLE) END
    + CASE WHEN x8 = 10 THEN (0.05398470063688647::DOUBLE) ELSE (-0.0023970040823327967::DOUBLE) END
    + CASE WHEN x8 = 11 THEN (-0.027273340983970083::DOUBLE) ELSE (0.0011795907808493948::DOUBLE) END
    + CASE WHEN x8 = 12 THEN (-0.09573624614953109::DOUBLE) ELSE (0.004085660284465121::DOUBLE) END
    + CASE WHEN x8 = 13 THEN (0.032948667066724155::DOUBLE) ELSE (-0.0012929910511914255::DOUBLE) END
    + CASE WHEN x8 = 14 THEN (-0.03599955208452524::DOUBLE) ELSE (0.0014127156827900959::DOUBLE) END
    + CASE WHEN x8 = 15 THEN (0.024420586688177513::DOUBLE) ELSE (-0.0009235519218877766::DOUBLE) END
    + CASE WHEN x8 = 16 THEN (-0.08819274168109309::DOUBLE) ELSE (0.0033353242948727995::DOUBLE) END
    + CASE WHEN x8 = 17 THEN (0.07877927529404105::DOUBLE) ELSE (-0.0029569207439133216::DOUBLE) END
    + CASE WHEN x8 = 18 THEN (-0.07179870991019018::DOUBLE) ELSE (0.0026949104815605627::DOUBLE) END
    + CASE WHEN x8 = 19 THEN (0.020383309129851385::DOUBLE) ELSE (-0.0007477041947440694::DOUBLE) END
    + CASE WHEN x8 = 20 THEN (-0.02498253883084763::DOUBLE) ELSE (0.0008598196920750617::DOUBLE) END
    + CASE WHEN x8 = 21 THEN (0.15953898391274787::DOUBLE) ELSE (-0.0054908254501519335::DOUBLE) END
    + CASE WHEN x8 = 22 THEN (0.06239350335164432::DOUBLE) ELSE (-0.00195404490344202::DOUBLE) END
    + CASE WHEN x8 = 23 THEN (-0.034955450493790105::DOUBLE) ELSE (0.0010653089674297937::DOUBLE) END
    + CASE WHEN x8 = 24 THEN (0.0::DOUBLE) ELSE (0.0::DOUBLE) END
    + CASE WHEN x8 IS NULL THEN (0.0::DOUBLE) ELSE (0.0::DOUBLE) END) AS ctr8,
  ((0.0::DOUBLE)
    + CASE WHEN x9 = 0 THEN (-0.038787408322327584::DOUBLE) ELSE (0.008810749589744534::DOUBLE) END
    + CASE WHEN x9 = 1 THEN (-0.10619330501417051::DOUBLE) ELSE (0.022331478011928474::DOUBLE) END
    + CASE WHEN x9 = 2 THEN (-0.02795280923216506::DOUBLE) ELSE (0.005781189672299275::DOUBLE) END
    + CASE WHEN x9 = 3 THEN (0.08708412252359818::DOUBLE) ELSE (-0.01691700393394402::DOUBLE) END
    + CASE WHEN x9 = 4 THEN (0.06700021093779673::DOUBLE) ELSE (-0.012688796229739771::DOUBLE) END
    + CASE WHEN x9 = 5 THEN (-0.09253982090365855::DOUBLE) ELSE (0.0076741630146013665::DOUBLE) END
    + CASE WHEN x9 = 6 THEN (0.11737027697588161::DOUBLE) ELSE (-0.009010513159934045::DOUBLE) END
    + CASE WHEN x9 = 7 THEN (0.0::DOUBLE) ELSE (0.0::DOUBLE) END
    + CASE WHEN x9 IS NULL THEN (0.0::DOUBLE) ELSE (0.0::DOUBLE) END) AS ctr9,
  ((0.0::DOUBLE)
    + (0.09508938692979561::DOUBLE) * (z10 - (-1.363226053474248e-16::DOUBLE))) AS ctr10,
  ((0.0::DOUBLE)
    + (-0.09013694280213692::DOUBLE) * (z11 - (-2.436604229418098e-14::DOUBLE))) AS ctr11,
  ((0.0::DOUBLE)
    + (0.03186215710816984::DOUBLE) * (z12 - (-1.933831115442228e-14::DOUBLE))) AS ctr12,
  ((0.0::DOUBLE)
    + (0.03186215710816984::DOUBLE) * (z13 - (-1.933831115442228e-14::DOUBLE))) AS ctr13,
  ((0.0::DOUBLE)
    + (0.06845201625011053::DOUBLE) * (z14 - (-5.186246936996167e-15::DOUBLE))) AS ctr14,
  ((0.0::DOUBLE)
    + (0.005375026609576708::DOUBLE) * (z15 - (2.0193335605012089e-16::DOUBLE))) AS ctr15,
  ((0.0::DOUBLE)
    + (-0.24312474325266326::DOUBLE) * (z16 - (-9.158533744201186e-17::DOUBLE))) AS ctr16,
  ((0.0::DOUBLE)
    + (0.13638959908535275::DOUBLE) * (z17 - (-1.86747310981311e-15::DOUBLE))) AS ctr17,
  ((0.0::DOUBLE)
    + (-0.006246310696491671::DOUBLE) * (z18 - (5.884445880717228e-16::DOUBLE))
    + CASE WHEN x18 IS NULL THEN (-0.021875671824564027::DOUBLE) ELSE (0.024770256778827847::DOUBLE) END) AS ctr18,
  ((0.0::DOUBLE)
    + (-0.05545966194420651::DOUBLE) * (z19 - (4.986548978506851e-16::DOUBLE))) AS ctr19,
  ((0.0::DOUBLE)
    + (0.004837039198072684::DOUBLE) * (z20 - (-6.842222120867845e-16::DOUBLE))) AS ctr20,
  ((0.0::DOUBLE)
    + (-0.0017388020600399893::DOUBLE) * (z21 - (-3.0958423924060346e-16::DOUBLE))) AS ctr21,
  ((0.0::DOUBLE)
    + (0.03647923769747077::DOUBLE) * (z22 - (-1.0106195726535704e-16::DOUBLE))) AS ctr22,
  ((0.0::DOUBLE)
    + (0.0478169869289124::DOUBLE) * (z23 - (-8.517964082514899e-17::DOUBLE))) AS ctr23,
  ((0.0::DOUBLE)
    + (0.04101191834515434::DOUBLE) * (z24 - (-1.4549872910521921e-16::DOUBLE))) AS ctr24,
  ((0.0::DOUBLE)
    + (0.04101191834515434::DOUBLE) * (z25 - (-1.4549872910521921e-16::DOUBLE))) AS ctr25,
  ((0.0::DOUBLE)
    + (0.01751561842312925::DOUBLE) * (z26 - (1.2263171143403829e-16::DOUBLE))) AS ctr26,
  ((0.0::DOUBLE)
    + (0.0765351685543069::DOUBLE) * (z27 - (-4.625953699845921e-16::DOUBLE))
    + CASE WHEN x27 IS NULL THEN (0.005639106218614485::DOUBLE) ELSE (-0.041711881031702695::DOUBLE) END) AS ctr27,
  ((0.0::DOUBLE)
    + (0.0746523891307414::DOUBLE) * (z28 - (-2.671336731023086e-16::DOUBLE))) AS ctr28,
  ((0.0::DOUBLE)
    + (0.03650252015522658::DOUBLE) * (z29 - (-5.358357890833456e-17::DOUBLE))) AS ctr29,
  ((0.0::DOUBLE)
    + (-0.046731790355503636::DOUBLE) * (z30 - (-9.035403649048673e-17::DOUBLE))) AS ctr30,
  ((0.0::DOUBLE)
    + (-0.046731790355503636::DOUBLE) * (z31 - (-9.035403649048673e-17::DOUBLE))) AS ctr31,
  ((0.0::DOUBLE)
    + (-0.055544841223835066::DOUBLE) * (z32 - (-2.984805431598858e-17::DOUBLE))) AS ctr32,
  ((0.0::DOUBLE)
    + (0.0133231034797577::DOUBLE) * (z33 - (5.66345667660779e-15::DOUBLE))) AS ctr33,
  ((0.0::DOUBLE)
    + (-0.008020514020250034::DOUBLE) * (z34 - (7.261524069896133e-16::DOUBLE))) AS ctr34,
  ((0.0::DOUBLE)
    + (0.0010765769459446747::DOUBLE) * (z35 - (1.223326812029536e-15::DOUBLE))) AS ctr35,
  ((0.0::DOUBLE)
    + (0.018922817883332325::DOUBLE) * (z36 - (8.669971116649609e-16::DOUBLE))) AS ctr36,
  ((0.0::DOUBLE)
    + (0.018922817883332325::DOUBLE) * (z37 - (8.669971116649609e-16::DOUBLE))) AS ctr37,
  ((0.0::DOUBLE)
    + (0.015599187891290176::DOUBLE) * (z38 - (-3.4178862246084995e-16::DOUBLE))) AS ctr38,
  ((0.0::DOUBLE)
    + (-0.0011250886603511158::DOUBLE) * (z39 - (-1.0440405984806809e-16::DOUBLE))
    + CASE WHEN x39 IS NULL THEN (0.000695290835784843::DOUBLE) ELSE (-0.017463787751230322::DOUBLE) END) AS ctr39,
  ((0.0::DOUBLE)
    + (-0.0068718748560896055::DOUBLE) * (z40 - (-1.3756123547128045e-16::DOUBLE))) AS ctr40,
  ((0.0::DOUBLE)
    + (0.0623119907348761::DOUBLE) * (z41 - (-1.2802305060035902e-15::DOUBLE))) AS ctr41,
  ((0.0::DOUBLE)
    + (-0.015685116053253286::DOUBLE) * (z42 - (3.1984508050331284e-16::DOUBLE))) AS ctr42,
  ((0.0::DOUBLE)
    + (-0.015685116053253286::DOUBLE) * (z43 - (3.1984508050331284e-16::DOUBLE))) AS ctr43,
  ((0.0::DOUBLE)
    + (-0.01348892337932837::DOUBLE) * (z44 - (-6.684498332315341e-16::DOUBLE))) AS ctr44,
  ((0.0::DOUBLE)
    + (0.023513301553468154::DOUBLE) * (z45 - (5.757577907676157e-16::DOUBLE))
    + CASE WHEN x45 IS NULL THEN (0.0019823615587383904::DOUBLE) ELSE (-0.013401251603028592::DOUBLE) END) AS ctr45,
  ((0.0::DOUBLE)
    + (0.010423118330165045::DOUBLE) * (z46 - (-1.0370045930433945e-16::DOUBLE))) AS ctr46,
  ((0.0::DOUBLE)
    + (-0.10780466153771247::DOUBLE) * (z47 - (4.73948257924547e-16::DOUBLE))) AS ctr47,
  ((0.0::DOUBLE)
    + (-0.024598314310772782::DOUBLE) * (z48 - (-1.0249114586980584e-16::DOUBLE))) AS ctr48,
  ((0.0::DOUBLE)
    + (-0.024598314310772782::DOUBLE) * (z49 - (-1.0249114586980584e-16::DOUBLE))) AS ctr49,
  ((0.0::DOUBLE)
    + (-0.019106043349031404::DOUBLE) * (z50 - (1.3026870900242628e-16::DOUBLE))) AS ctr50,
  ((0.0::DOUBLE)
    + (-0.06337882176745474::DOUBLE) * (z51 - (8.662495360872491e-16::DOUBLE))
    + CASE WHEN x51 IS NULL THEN (0.001032587339681203::DOUBLE) ELSE (-0.015895586926001553::DOUBLE) END) AS ctr51,
  ((0.0::DOUBLE)
    + (0.053252840773464746::DOUBLE) * (z52 - (6.853421096188859e-15::DOUBLE))) AS ctr52,
  ((0.0::DOUBLE)
    + (-0.07004348556285285::DOUBLE) * (z53 - (-1.2511776668854616e-15::DOUBLE))) AS ctr53,
  ((0.0::DOUBLE)
    + (0.055490326282006265::DOUBLE) * (z54 - (-7.884085955166365e-15::DOUBLE))) AS ctr54,
  ((0.0::DOUBLE)
    + (0.055490326282006265::DOUBLE) * (z55 - (-7.884085955166365e-15::DOUBLE))) AS ctr55,
  ((0.0::DOUBLE)
    + (0.049628446534037196::DOUBLE) * (z56 - (3.20006322294584e-16::DOUBLE))) AS ctr56,
  ((0.0::DOUBLE)
    + (-0.06795959716098965::DOUBLE) * (z57 - (-7.938959468404869e-17::DOUBLE))
    + CASE WHEN x57 IS NULL THEN (0.021362315399395::DOUBLE) ELSE (-0.01071503924672271::DOUBLE) END) AS ctr57,
  ((0.0::DOUBLE)
    + (0.03256437082539165::DOUBLE) * (z58 - (6.605856313209003e-16::DOUBLE))) AS ctr58,
  ((0.0::DOUBLE)
    + (0.05978076333430086::DOUBLE) * (z59 - (-1.1980265091446268e-16::DOUBLE))) AS ctr59,
  ((0.0::DOUBLE)
    + (0.012097393749993409::DOUBLE) * (z60 - (-3.5804472668991384e-16::DOUBLE))) AS ctr60,
  ((0.0::DOUBLE)
    + (0.012097393749993409::DOUBLE) * (z61 - (-3.5804472668991384e-16::DOUBLE))) AS ctr61,
  ((0.0::DOUBLE)
    + (-0.019407402010194957::DOUBLE) * (z62 - (4.705328636185308e-17::DOUBLE))) AS ctr62,
  ((0.0::DOUBLE)
    + (0.05365846250163681::DOUBLE) * (z63 - (3.520348053788983e-16::DOUBLE))
    + CASE WHEN x63 IS NULL THEN (-0.003781119989830767::DOUBLE) ELSE (0.0431667534576745::DOUBLE) END) AS ctr63,
  ((0.0::DOUBLE)
    + (-0.0072483807480399004::DOUBLE) * (z64 - (-3.6387874786499715e-16::DOUBLE))) AS ctr64,
  ((0.0::DOUBLE)
    + (-0.07086100578269217::DOUBLE) * (z65 - (-2.1623990043927e-16::DOUBLE))) AS ctr65,
  ((0.0::DOUBLE)
    + (-0.003254627385216732::DOUBLE) * (z66 - (1.3299516110937477e-15::DOUBLE))) AS ctr66,
  ((0.0::DOUBLE)
    + (-0.003254627385216732::DOUBLE) * (z67 - (1.3299516110937477e-15::DOUBLE))) AS ctr67,
  ((0.0::DOUBLE)
    + (0.011630044417624816::DOUBLE) * (z68 - (-1.1326796086458291e-15::DOUBLE))) AS ctr68,
  ((0.0::DOUBLE)
    + (-0.037412381856638456::DOUBLE) * (z69 - (1.2629336593035943e-15::DOUBLE))
    + CASE WHEN x69 IS NULL THEN (-0.007852768869705384::DOUBLE) ELSE (0.03646680744858716::DOUBLE) END) AS ctr69,
  ((0.0::DOUBLE)
    + (0.08718890599950488::DOUBLE) * (z70 - (2.3424401226915973e-16::DOUBLE))) AS ctr70,
  ((0.0::DOUBLE)
    + (-9.136559043506395e-05::DOUBLE) * (z71 - (-2.9222875916196357e-16::DOUBLE))) AS ctr71,
  ((0.0::DOUBLE)
    + (0.042773182925510723::DOUBLE) * (z72 - (-4.4257940034997823e-16::DOUBLE))) AS ctr72,
  ((0.0::DOUBLE)
    + (0.042773182925510723::DOUBLE) * (z73 - (-4.4257940034997823e-16::DOUBLE))) AS ctr73,
  ((0.0::DOUBLE)
    + (0.023624489793472432::DOUBLE) * (z74 - (1.1496539717632826e-16::DOUBLE))) AS ctr74,
  ((0.0::DOUBLE)
    + (0.06346930734634422::DOUBLE) * (z75 - (2.313856350602621e-16::DOUBLE))
    + CASE WHEN x75 IS NULL THEN (-0.000581254776462713::DOUBLE) ELSE (0.009424253580193163::DOUBLE) END) AS ctr75,
  ((0.0::DOUBLE)
    + (0.0451309781628992::DOUBLE) * (z76 - (5.366786439013539e-16::DOUBLE))) AS ctr76,
  ((0.0::DOUBLE)
    + (-0.05655250965236679::DOUBLE) * (z77 - (-1.1650452336573466e-15::DOUBLE))) AS ctr77,
  ((0.0::DOUBLE)
    + (-0.043970906529289415::DOUBLE) * (z78 - (3.3314019911085204e-16::DOUBLE))) AS ctr78,
  ((0.0::DOUBLE)
    + (-0.043970906529289415::DOUBLE) * (z79 - (3.3314019911085204e-16::DOUBLE))) AS ctr79,
  ((0.0::DOUBLE)
    + (-0.06520544262271864::DOUBLE) * (z80 - (-3.270716444211925e-16::DOUBLE))) AS ctr80,
  ((0.0::DOUBLE)
    + (0.0011006550364319801::DOUBLE) * (z81 - (-5.97602388898691e-16::DOUBLE))
    + CASE WHEN x81 IS NULL THEN (-4.931961980685727e-05::DOUBLE) ELSE (0.0009825776189145159::DOUBLE) END) AS ctr81,
  ((0.0::DOUBLE)
    + (-0.007394962458011035::DOUBLE) * (z82 - (-8.697675388058924e-16::DOUBLE))) AS ctr82,
  ((0.0::DOUBLE)
    + (0.053436433577107756::DOUBLE) * (z83 - (-5.278176745537713e-16::DOUBLE))) AS ctr83,
  ((0.0::DOUBLE)
    + (0.038422514609457524::DOUBLE) * (z84 - (4.558745189575174e-17::DOUBLE))) AS ctr84,
  ((0.0::DOUBLE)
    + (0.038422514609457524::DOUBLE) * (z85 - (4.558745189575174e-17::DOUBLE))) AS ctr85,
  ((0.0::DOUBLE)
    + (-0.002162946375151776::DOUBLE) * (z86 - (3.7226332101109683e-16::DOUBLE))) AS ctr86,
  ((0.0::DOUBLE)
    + (0.06753322691573047::DOUBLE) * (z87 - (3.149711809035259e-16::DOUBLE))
    + CASE WHEN x87 IS NULL THEN (-0.003061042483945591::DOUBLE) ELSE (0.019893745410513725::DOUBLE) END) AS ctr87,
  ((0.0::DOUBLE)
    + (-0.07539100143123578::DOUBLE) * (z88 - (-1.1890849189014087e-15::DOUBLE))) AS ctr88,
  ((0.0::DOUBLE)
    + (0.013820431629856494::DOUBLE) * (z89 - (6.069727357232437e-16::DOUBLE))) AS ctr89,
  ((0.0::DOUBLE)
    + (-0.02529157344497774::DOUBLE) * (z90 - (5.948356263439247e-16::DOUBLE))) AS ctr90,
  ((0.0::DOUBLE)
    + (-0.02529157344497774::DOUBLE) * (z91 - (5.948356263439247e-16::DOUBLE))) AS ctr91,
  ((0.0::DOUBLE)
    + (-0.03833107696177872::DOUBLE) * (z92 - (4.243297612470165e-16::DOUBLE))) AS ctr92,
  ((0.0::DOUBLE)
    + (-0.05321770474116068::DOUBLE) * (z93 - (-1.1060160797074457e-15::DOUBLE))
    + CASE WHEN x93 IS NULL THEN (-0.021875671824564027::DOUBLE) ELSE (0.024770256778827847::DOUBLE) END) AS ctr93,
  ((0.0::DOUBLE)
    + (0.11633071753341269::DOUBLE) * (z94 - (8.325939767455623e-18::DOUBLE))) AS ctr94,
  ((0.0::DOUBLE)
    + (0.07065509286627634::DOUBLE) * (z95 - (2.4139361987756904e-16::DOUBLE))) AS ctr95,
  ((0.0::DOUBLE)
    + (-0.025878504462159228::DOUBLE) * (z96 - (-1.0816667369324197e-16::DOUBLE))) AS ctr96,
  ((0.0::DOUBLE)
    + (-0.025878504462159228::DOUBLE) * (z97 - (-1.0816667369324197e-16::DOUBLE))) AS ctr97,
  ((0.0::DOUBLE)
    + (-0.003708630952440214::DOUBLE) * (z98 - (9.678904979667162e-17::DOUBLE))) AS ctr98,
  ((0.0::DOUBLE)
    + (0.01640879784443628::DOUBLE) * (z99 - (2.783619651126449e-15::DOUBLE))) AS ctr99,
  ((0.0::DOUBLE)
    + (0.08841898692372922::DOUBLE) * (z100 - (-5.024843903933748e-16::DOUBLE))) AS ctr100,
  ((0.0::DOUBLE)
    + (-0.009129921447868618::DOUBLE) * (z101 - (3.236269334258543e-16::DOUBLE))) AS ctr101,
  ((0.0::DOUBLE)
    + (-0.05545966194420231::DOUBLE) * (z102 - (1.171326334344591e-15::DOUBLE))) AS ctr102,
  ((0.0::DOUBLE)
    + (-0.05545966194420231::DOUBLE) * (z103 - (1.171326334344591e-15::DOUBLE))) AS ctr103,
  ((0.0::DOUBLE)
    + (-0.03521685452193463::DOUBLE) * (z104 - (-7.920563245855297e-16::DOUBLE))) AS ctr104,
  ((0.0::DOUBLE)
    + (-0.06546953346618731::DOUBLE) * (z105 - (1.2224747957461147e-15::DOUBLE))
    + CASE WHEN x105 IS NULL THEN (7.379334709412179e-05::DOUBLE) ELSE (-0.0060013241625893575::DOUBLE) END) AS ctr105,
  ((0.0::DOUBLE)
    + (-0.024764137879113104::DOUBLE) * (z106 - (2.8577175833878716e-16::DOUBLE))) AS ctr106,
  ((0.0::DOUBLE)
    + (0.012017000607140838::DOUBLE) * (z107 - (3.509794045633054e-16::DOUBLE))) AS ctr107,
  ((0.0::DOUBLE)
    + (0.04970129005058715::DOUBLE) * (z108 - (-7.72172280052865e-16::DOUBLE))) AS ctr108,
  ((0.0::DOUBLE)
    + (0.04970129005058715::DOUBLE) * (z109 - (-7.72172280052865e-16::DOUBLE))) AS ctr109,
  ((0.0::DOUBLE)
    + (0.04908021885800102::DOUBLE) * (z110 - (-9.460495644218062e-17::DOUBLE))) AS ctr110,
  ((0.0::DOUBLE)
    + (0.02115772571391961::DOUBLE) * (z111 - (-3.4275607320847686e-16::DOUBLE))
    + CASE WHEN x111 IS NULL THEN (-0.004342453084099087::DOUBLE) ELSE (0.024357145222154396::DOUBLE) END) AS ctr111,
  ((0.0::DOUBLE)
    + (0.039672316932694573::DOUBLE) * (z112 - (4.241392027664233e-17::DOUBLE))) AS ctr112,
  ((0.0::DOUBLE)
    + (-0.05273679105013179::DOUBLE) * (z113 - (-1.318078351918327e-16::DOUBLE))) AS ctr113,
  ((0.0::DOUBLE)
    + (0.03646511389905409::DOUBLE) * (z114 - (-7.892052765489626e-16::DOUBLE))) AS ctr114,
  ((0.0::DOUBLE)
    + (0.03646511389905409::DOUBLE) * (z115 - (-7.892052765489626e-16::DOUBLE))) AS ctr115,
  ((0.0::DOUBLE)
    + (0.02988962970049029::DOUBLE) * (z116 - (5.175421749464009e-16::DOUBLE))) AS ctr116,
  ((0.0::DOUBLE)
    + (0.05293450933571734::DOUBLE) * (z117 - (3.5294362274788116e-16::DOUBLE))
    + CASE WHEN x117 IS NULL THEN (-0.00046278084673027155::DOUBLE) ELSE (0.007882700422638953::DOUBLE) END) AS ctr117,
  ((0.0::DOUBLE)
    + (0.03647923769747077::DOUBLE) * (z118 - (-1.0106195726535704e-16::DOUBLE))) AS ctr118,
  ((0.0::DOUBLE)
    + (0.0478169869289124::DOUBLE) * (z119 - (-8.517964082514899e-17::DOUBLE))) AS ctr119,
  ((0.0::DOUBLE)
    + (0.04101191834515434::DOUBLE) * (z120 - (-1.4549872910521921e-16::DOUBLE))) AS ctr120,
  ((0.0::DOUBLE)
    + (0.04101191834515434::DOUBLE) * (z121 - (-1.4549872910521921e-16::DOUBLE))) AS ctr121,
  ((0.0::DOUBLE)
    + (0.01751561842312925::DOUBLE) * (z122 - (1.2263171143403829e-16::DOUBLE))) AS ctr122,
  ((0.0::DOUBLE)
    + (0.0765351685543069::DOUBLE) * (z123 - (-4.625953699845921e-16::DOUBLE))
    + CASE WHEN x123 IS NULL THEN (0.005639106218614485::DOUBLE) ELSE (-0.041711881031702695::DOUBLE) END) AS ctr123,
  ((0.0::DOUBLE)
    + (0.030603731675627504::DOUBLE) * (z124 - (5.381298200227942e-16::DOUBLE))) AS ctr124,
  ((0.0::DOUBLE)
    + (-0.004602393762414451::DOUBLE) * (z125 - (-3.1292634182331453e-16::DOUBLE))) AS ctr125,
  ((0.0::DOUBLE)
    + (0.02364303757447037::DOUBLE) * (z126 - (-2.7582607148628953e-16::DOUBLE))) AS ctr126,
  ((0.0::DOUBLE)
    + (0.02364303757447037::DOUBLE) * (z127 - (-2.7582607148628953e-16::DOUBLE))) AS ctr127,
  ((0.0::DOUBLE)
    + (0.03425502873330089::DOUBLE) * (z128 - (-5.291662422625845e-18::DOUBLE))) AS ctr128,
  ((0.0::DOUBLE)
    + (-0.0367061359869778::DOUBLE) * (z129 - (6.105567009928615e-17::DOUBLE))
    + CASE WHEN x129 IS NULL THEN (-0.00030637924486587813::DOUBLE) ELSE (0.005140842352819944::DOUBLE) END) AS ctr129,
  ((0.0::DOUBLE)
    + (0.025433449207981358::DOUBLE) * (z130 - (4.417556013800293e-15::DOUBLE))) AS ctr130,
  ((0.0::DOUBLE)
    + (-0.056761479318785744::DOUBLE) * (z131 - (2.4458478731759872e-15::DOUBLE))) AS ctr131,
  ((0.0::DOUBLE)
    + (0.047332719866569825::DOUBLE) * (z132 - (-5.799295556581401e-15::DOUBLE))) AS ctr132,
  ((0.0::DOUBLE)
    + (0.047332719866569825::DOUBLE) * (z133 - (-5.799295556581401e-15::DOUBLE))) AS ctr133,
  ((0.0::DOUBLE)
    + (0.03765675278616259::DOUBLE) * (z134 - (-3.871561991866865e-16::DOUBLE))) AS ctr134,
  ((0.0::DOUBLE)
    + (-0.06252317876345202::DOUBLE) * (z135 - (-1.6757419616470544e-16::DOUBLE))
    + CASE WHEN x135 IS NULL THEN (0.02062532110371592::DOUBLE) ELSE (-0.010908022061311204::DOUBLE) END) AS ctr135,
  ((0.0::DOUBLE)
    + (0.005209461405774446::DOUBLE) * (z136 - (1.8833041220470044e-16::DOUBLE))) AS ctr136,
  ((0.0::DOUBLE)
    + (-0.036718861415873306::DOUBLE) * (z137 - (5.896407089960615e-15::DOUBLE))) AS ctr137,
  ((0.0::DOUBLE)
    + (0.0336670390743927::DOUBLE) * (z138 - (9.901594551757278e-15::DOUBLE))) AS ctr138,
  ((0.0::DOUBLE)
    + (0.0336670390743927::DOUBLE) * (z139 - (9.901594551757278e-15::DOUBLE))) AS ctr139,
  ((0.0::DOUBLE)
    + (0.058195792176301685::DOUBLE) * (z140 - (-6.950400704466124e-16::DOUBLE))) AS ctr140,
  ((0.0::DOUBLE)
    + (-0.15176706222154288::DOUBLE) * (z141 - (-4.184077900039671e-16::DOUBLE))
    + CASE WHEN x141 IS NULL THEN (0.01851410943874962::DOUBLE) ELSE (-0.030311052430710562::DOUBLE) END) AS ctr141,
  ((0.0::DOUBLE)
    + (0.014713489125597706::DOUBLE) * (z142 - (3.130802544422552e-16::DOUBLE))) AS ctr142,
  ((0.0::DOUBLE)
    + (0.024078403671527908::DOUBLE) * (z143 - (-6.700622511442455e-16::DOUBLE))) AS ctr143,
  ((0.0::DOUBLE)
    + (0.008869257317753926::DOUBLE) * (z144 - (-5.478702900500377e-16::DOUBLE))) AS ctr144,
  ((0.0::DOUBLE)
    + (0.008869257317753926::DOUBLE) * (z145 - (-5.478702900500377e-16::DOUBLE))) AS ctr145,
  ((0.0::DOUBLE)
    + (-0.012902003212889635::DOUBLE) * (z146 - (-4.282581976161681e-16::DOUBLE))) AS ctr146,
  ((0.0::DOUBLE)
    + (-0.05374749429859419::DOUBLE) * (z147 - (-1.5713745476606388e-16::DOUBLE))
    + CASE WHEN x147 IS NULL THEN (4.635009327119398e-05::DOUBLE) ELSE (-0.0004565949016228221::DOUBLE) END) AS ctr147,
  ((0.0::DOUBLE)
    + (0.09090922978845507::DOUBLE) * (z148 - (-7.364352357693143e-16::DOUBLE))) AS ctr148,
  ((0.0::DOUBLE)
    + (0.039957205477033506::DOUBLE) * (z149 - (-7.727292971499836e-16::DOUBLE))) AS ctr149,
  ((0.0::DOUBLE)
    + (0.029669918902930022::DOUBLE) * (z150 - (1.6041799230119869e-15::DOUBLE))) AS ctr150,
  ((0.0::DOUBLE)
    + (0.029669918902930022::DOUBLE) * (z151 - (1.6041799230119869e-15::DOUBLE))) AS ctr151,
  ((0.0::DOUBLE)
    + (-0.008614560509170983::DOUBLE) * (z152 - (-3.704750029624532e-16::DOUBLE))) AS ctr152,
  ((0.0::DOUBLE)
    + (0.0292993753103969::DOUBLE) * (z153 - (6.114581891895139e-16::DOUBLE))
    + CASE WHEN x153 IS NULL THEN (-0.017340809059902873::DOUBLE) ELSE (0.07116275416092216::DOUBLE) END) AS ctr153,
  ((0.0::DOUBLE)
    + (0.01321270166679392::DOUBLE) * (z154 - (-1.0495008318669084e-16::DOUBLE))) AS ctr154,
  ((0.0::DOUBLE)
    + (0.011640659527397268::DOUBLE) * (z155 - (9.196278981703295e-16::DOUBLE))) AS ctr155,
  ((0.0::DOUBLE)
    + (-0.0032504613569979907::DOUBLE) * (z156 - (2.1021532078359348e-16::DOUBLE))) AS ctr156,
  ((0.0::DOUBLE)
    + (-0.0032504613569979907::DOUBLE) * (z157 - (2.1021532078359348e-16::DOUBLE))) AS ctr157,
  ((0.0::DOUBLE)
    + (-0.01271653755252554::DOUBLE) * (z158 - (-6.489982098663693e-16::DOUBLE))) AS ctr158,
  ((0.0::DOUBLE)
    + (0.023143013846178586::DOUBLE) * (z159 - (-1.2451787393329419e-15::DOUBLE))
    + CASE WHEN x159 IS NULL THEN (0.00016628214143944836::DOUBLE) ELSE (-0.004995279085045717::DOUBLE) END) AS ctr159,
  ((0.0::DOUBLE)
    + (0.054148297613246944::DOUBLE) * (z160 - (-4.6082903945294e-16::DOUBLE))) AS ctr160,
  ((0.0::DOUBLE)
    + (-0.05716362034714479::DOUBLE) * (z161 - (6.073479893465657e-15::DOUBLE))) AS ctr161,
  ((0.0::DOUBLE)
    + (0.019120005701746226::DOUBLE) * (z162 - (9.18403926391135e-15::DOUBLE))) AS ctr162,
  ((0.0::DOUBLE)
    + (0.019120005701746226::DOUBLE) * (z163 - (9.18403926391135e-15::DOUBLE))) AS ctr163,
  ((0.0::DOUBLE)
    + (-0.0009004318528163213::DOUBLE) * (z164 - (6.697690842510253e-16::DOUBLE))) AS ctr164,
  ((0.0::DOUBLE)
    + (-0.030651477946918904::DOUBLE) * (z165 - (2.2296954647314125e-15::DOUBLE))
    + CASE WHEN x165 IS NULL THEN (-0.014724384725400993::DOUBLE) ELSE (0.020928585194735557::DOUBLE) END) AS ctr165,
  ((0.0::DOUBLE)
    + (0.10893309560221924::DOUBLE) * (z166 - (-4.653438096085321e-16::DOUBLE))) AS ctr166,
  ((0.0::DOUBLE)
    + (-0.03550242072984537::DOUBLE) * (z167 - (3.447730614338323e-15::DOUBLE))) AS ctr167,
  ((0.0::DOUBLE)
    + (0.06755818329337235::DOUBLE) * (z168 - (5.640941459208473e-15::DOUBLE))) AS ctr168,
  ((0.0::DOUBLE)
    + (0.06755818329337235::DOUBLE) * (z169 - (5.640941459208473e-15::DOUBLE))) AS ctr169,
  ((0.0::DOUBLE)
    + (0.03959077484641122::DOUBLE) * (z170 - (4.213394589361698e-16::DOUBLE))) AS ctr170,
  ((0.0::DOUBLE)
    + (0.0622908069314377::DOUBLE) * (z171 - (-8.31142800624122e-16::DOUBLE))
    + CASE WHEN x171 IS NULL THEN (0.013341686138894606::DOUBLE) ELSE (-0.026662245300530473::DOUBLE) END) AS ctr171,
  ((0.0::DOUBLE)
    + (-0.008842586671596929::DOUBLE) * (z172 - (2.6971354176264695e-18::DOUBLE))) AS ctr172,
  ((0.0::DOUBLE)
    + (0.04269944530685434::DOUBLE) * (z173 - (6.368288521287959e-15::DOUBLE))) AS ctr173,
  ((0.0::DOUBLE)
    + (0.05807552946642687::DOUBLE) * (z174 - (7.163005335429463e-15::DOUBLE))) AS ctr174,
  ((0.0::DOUBLE)
    + (0.05807552946642687::DOUBLE) * (z175 - (7.163005335429463e-15::DOUBLE))) AS ctr175,
  ((0.0::DOUBLE)
    + (0.035456859377061::DOUBLE) * (z176 - (-1.5692051126508087e-15::DOUBLE))) AS ctr176,
  ((0.0::DOUBLE)
    + (-0.07902243007566048::DOUBLE) * (z177 - (2.2353975608045467e-17::DOUBLE))
    + CASE WHEN x177 IS NULL THEN (0.01210099292364687::DOUBLE) ELSE (-0.017540960635118136::DOUBLE) END) AS ctr177,
  ((0.0::DOUBLE)
    + (0.04362268603607668::DOUBLE) * (z178 - (1.1550775592878576e-16::DOUBLE))) AS ctr178,
  ((0.0::DOUBLE)
    + (0.007392320531666356::DOUBLE) * (z179 - (-2.1574151672079555e-16::DOUBLE))) AS ctr179,
  ((0.0::DOUBLE)
    + (-0.023102880950505663::DOUBLE) * (z180 - (2.226016220221498e-15::DOUBLE))) AS ctr180,
  ((0.0::DOUBLE)
    + (-0.023102880950505663::DOUBLE) * (z181 - (2.226016220221498e-15::DOUBLE))) AS ctr181,
  ((0.0::DOUBLE)
    + (-0.015277394540192057::DOUBLE) * (z182 - (4.944552821053047e-16::DOUBLE))) AS ctr182,
  ((0.0::DOUBLE)
    + (-0.020214661795851564::DOUBLE) * (z183 - (-2.4105647795036573e-16::DOUBLE))
    + CASE WHEN x183 IS NULL THEN (0.008285191681433738::DOUBLE) ELSE (-0.03310797572963429::DOUBLE) END) AS ctr183,
  ((0.0::DOUBLE)
    + (0.03256437082539165::DOUBLE) * (z184 - (6.605856313209003e-16::DOUBLE))) AS ctr184,
  ((0.0::DOUBLE)
    + (0.05978076333430086::DOUBLE) * (z185 - (-1.1980265091446268e-16::DOUBLE))) AS ctr185,
  ((0.0::DOUBLE)
    + (0.012097393749993409::DOUBLE) * (z186 - (-3.5804472668991384e-16::DOUBLE))) AS ctr186,
  ((0.0::DOUBLE)
    + (0.012097393749993409::DOUBLE) * (z187 - (-3.5804472668991384e-16::DOUBLE))) AS ctr187,
  ((0.0::DOUBLE)
    + (-0.019407402010194957::DOUBLE) * (z188 - (4.705328636185308e-17::DOUBLE))) AS ctr188,
  ((0.0::DOUBLE)
    + (0.05365846250163681::DOUBLE) * (z189 - (3.520348053788983e-16::DOUBLE))
    + CASE WHEN x189 IS NULL THEN (-0.003781119989830767::DOUBLE) ELSE (0.0431667534576745::DOUBLE) END) AS ctr189
FROM enc AS en
),
prob AS MATERIALIZED (
SELECT *, CASE WHEN ((0.8353819691593146::DOUBLE) * raw_score + (-0.3469199759774084::DOUBLE)) >= 0 THEN (1.0::DOUBLE) / ((1.0::DOUBLE) + EXP(-((0.8353819691593146::DOUBLE) * raw_score + (-0.3469199759774084::DOUBLE)))) ELSE EXP(((0.8353819691593146::DOUBLE) * raw_score + (-0.3469199759774084::DOUBLE))) / ((1.0::DOUBLE) + EXP(((0.8353819691593146::DOUBLE) * raw_score + (-0.3469199759774084::DOUBLE)))) END AS probability, CAST(CASE WHEN NOT (raw_score >= (0.4392249967440976::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (-0.8681067152712546::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (-1.8081964996636997::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (-2.5920904782968193::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (-3.2417851650046066::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (-3.970209787374194::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (-4.593912253043365::DOUBLE)) THEN 1 ELSE 2 END ELSE CASE WHEN NOT (raw_score >= (-3.5550923691360947::DOUBLE)) THEN 3 ELSE 4 END END ELSE CASE WHEN NOT (raw_score >= (-2.7762620801471263::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (-2.988970145952093::DOUBLE)) THEN 5 ELSE 6 END ELSE 7 END END ELSE CASE WHEN NOT (raw_score >= (-2.14984696634914::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (-2.282953363287482::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (-2.4292514175880915::DOUBLE)) THEN 8 ELSE 9 END ELSE 10 END ELSE CASE WHEN NOT (raw_score >= (-1.9140826976275849::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (-2.0274983219613407::DOUBLE)) THEN 11 ELSE 12 END ELSE 13 END END END ELSE CASE WHEN NOT (raw_score >= (-1.2819557788099374::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (-1.5257287349109587::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (-1.6148200275594582::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (-1.7087366058131315::DOUBLE)) THEN 14 ELSE 15 END ELSE 16 END ELSE CASE WHEN NOT (raw_score >= (-1.3597520106021117::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (-1.440870740417198::DOUBLE)) THEN 17 ELSE 18 END ELSE 19 END END ELSE CASE WHEN NOT (raw_score >= (-1.0651925514588376::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (-1.1349607110044306::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (-1.207127035017681::DOUBLE)) THEN 20 ELSE 21 END ELSE 22 END ELSE CASE WHEN NOT (raw_score >= (-0.9319563881781783::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (-0.9975919692684169::DOUBLE)) THEN 23 ELSE 24 END ELSE 25 END END END END ELSE CASE WHEN NOT (raw_score >= (-0.14539331949378245::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (-0.459631098995097::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (-0.6276200466987234::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (-0.7451448609037221::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (-0.8058836820798281::DOUBLE)) THEN 26 ELSE 27 END ELSE CASE WHEN NOT (raw_score >= (-0.685762211296539::DOUBLE)) THEN 28 ELSE 29 END END ELSE CASE WHEN NOT (raw_score >= (-0.514646280780802::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (-0.5706133368663422::DOUBLE)) THEN 30 ELSE 31 END ELSE 32 END END ELSE CASE WHEN NOT (raw_score >= (-0.2995187358361941::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (-0.3521393248677877::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (-0.4054870051771245::DOUBLE)) THEN 33 ELSE 34 END ELSE 35 END ELSE CASE WHEN NOT (raw_score >= (-0.19620443562305806::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (-0.24756060935922816::DOUBLE)) THEN 36 ELSE 37 END ELSE 38 END END END ELSE CASE WHEN NOT (raw_score >= (0.15086050339827206::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (0.0042934239768896085::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (-0.045194131374030506::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (-0.09507353532209739::DOUBLE)) THEN 39 ELSE 40 END ELSE 41 END ELSE CASE WHEN NOT (raw_score >= (0.1022768973642492::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (0.05343556091999089::DOUBLE)) THEN 42 ELSE 43 END ELSE 44 END END ELSE CASE WHEN NOT (raw_score >= (0.29547743012556194::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (0.24742051217212743::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (0.19922814521913018::DOUBLE)) THEN 45 ELSE 46 END ELSE 47 END ELSE CASE WHEN NOT (raw_score >= (0.3913411126167035::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (0.3434380640749032::DOUBLE)) THEN 48 ELSE 49 END ELSE 50 END END END END END ELSE CASE WHEN NOT (raw_score >= (1.7625224975389802::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (1.078126718720029::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (0.7771305484408102::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (0.6313379641416714::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (0.535088679235239::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (0.4871280452858979::DOUBLE)) THEN 51 ELSE 52 END ELSE CASE WHEN NOT (raw_score >= (0.5831455971886736::DOUBLE)) THEN 53 ELSE 54 END END ELSE CASE WHEN NOT (raw_score >= (0.7282892119965523::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (0.6797056059625292::DOUBLE)) THEN 55 ELSE 56 END ELSE 57 END END ELSE CASE WHEN NOT (raw_score >= (0.9256396446828982::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (0.8757602407348314::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (0.8262726853839107::DOUBLE)) THEN 58 ELSE 59 END ELSE 60 END ELSE CASE WHEN NOT (raw_score >= (1.0267705449838591::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (0.9759594288545834::DOUBLE)) THEN 61 ELSE 62 END ELSE 63 END END END ELSE CASE WHEN NOT (raw_score >= (1.4011794462271427::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (1.2360531145379254::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (1.1827054342285885::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (1.1300848451969947::DOUBLE)) THEN 64 ELSE 65 END ELSE 66 END ELSE CASE WHEN NOT (raw_score >= (1.3452123901416024::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (1.2901972083558977::DOUBLE)) THEN 67 ELSE 68 END ELSE 69 END END ELSE CASE WHEN NOT (raw_score >= (1.575710970264523::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (1.5163283206573395::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (1.4581861560595244::DOUBLE)) THEN 70 ELSE 71 END ELSE 72 END ELSE CASE WHEN NOT (raw_score >= (1.6986728246320553::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (1.6364497914406297::DOUBLE)) THEN 73 ELSE 74 END ELSE 75 END END END END ELSE CASE WHEN NOT (raw_score >= (2.7446488069883856::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (2.1903181199629125::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (1.9655268203652323::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (1.8957586608196388::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (1.8281580786292178::DOUBLE)) THEN 76 ELSE 77 END ELSE 78 END ELSE CASE WHEN NOT (raw_score >= (2.1125218881707375::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (2.037693144378481::DOUBLE)) THEN 79 ELSE 80 END ELSE 81 END END ELSE CASE WHEN NOT (raw_score >= (2.4453861369202587::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (2.3562948442717584::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (2.271436849777999::DOUBLE)) THEN 82 ELSE 83 END ELSE 84 END ELSE CASE WHEN NOT (raw_score >= (2.6387626090245013::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (2.5393027151739327::DOUBLE)) THEN 85 ELSE 86 END ELSE 87 END END END ELSE CASE WHEN NOT (raw_score >= (3.6068281895079255::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (3.1135194726482838::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (2.9804130757099414::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (2.8580644313221413::DOUBLE)) THEN 88 ELSE 89 END ELSE 90 END ELSE CASE WHEN NOT (raw_score >= (3.422656587657618::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (3.2598175269488934::DOUBLE)) THEN 91 ELSE 92 END ELSE 93 END END ELSE CASE WHEN NOT (raw_score >= (4.385658478496896::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (4.072351274365406::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (3.8195362553128933::DOUBLE)) THEN 94 ELSE 95 END ELSE 96 END ELSE CASE WHEN NOT (raw_score >= (5.424478362404164::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (4.8007758967349945::DOUBLE)) THEN 97 ELSE 98 END ELSE 99 END END END END END END AS BIGINT) AS score FROM mdl AS md
),
scored AS MATERIALIZED (
SELECT
  lead_id,
  probability,
  score,
  FLOOR((CASE WHEN NOT (raw_score >= (-3.2828125955268486::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (-4.091758698202775::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (-4.659112592987809::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (-8.615162646183002::DOUBLE)) THEN (0.0::DOUBLE) ELSE ((0.0::DOUBLE) + (probability - (0.0005290642297354704::DOUBLE)) / (0.013687083538852193::DOUBLE)) / (10.0::DOUBLE) * (100.0::DOUBLE) END ELSE ((1.0::DOUBLE) + (probability - (0.014216147768587664::DOUBLE)) / (0.008424635359940154::DOUBLE)) / (10.0::DOUBLE) * (100.0::DOUBLE) END ELSE CASE WHEN NOT (raw_score >= (-3.5189523872423694::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (-3.787187291789392::DOUBLE)) THEN ((2.0::DOUBLE) + (probability - (0.022640783128527818::DOUBLE)) / (0.006369431461412608::DOUBLE)) / (10.0::DOUBLE) * (100.0::DOUBLE) ELSE ((3.0::DOUBLE) + (probability - (0.029010214589940426::DOUBLE)) / (0.007023915198825972::DOUBLE)) / (10.0::DOUBLE) * (100.0::DOUBLE) END ELSE ((4.0::DOUBLE) + (probability - (0.0360341297887664::DOUBLE)) / (0.007515719588236769::DOUBLE)) / (10.0::DOUBLE) * (100.0::DOUBLE) END END ELSE CASE WHEN NOT (raw_score >= (-2.409137622800132::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (-2.7560684054628175::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (-3.0284778573999884::DOUBLE)) THEN ((5.0::DOUBLE) + (probability - (0.043549849377003166::DOUBLE)) / (0.009759746233519134::DOUBLE)) / (10.0::DOUBLE) * (100.0::DOUBLE) ELSE ((6.0::DOUBLE) + (probability - (0.0533095956105223::DOUBLE)) / (0.012723198462359961::DOUBLE)) / (10.0::DOUBLE) * (100.0::DOUBLE) END ELSE ((7.0::DOUBLE) + (probability - (0.06603279407288226::DOUBLE)) / (0.020283181531793426::DOUBLE)) / (10.0::DOUBLE) * (100.0::DOUBLE) END ELSE CASE WHEN NOT (raw_score >= (3.0390398543376373::DOUBLE)) THEN CASE WHEN NOT (raw_score >= (-1.7268214779513513::DOUBLE)) THEN ((8.0::DOUBLE) + (probability - (0.08631597560467569::DOUBLE)) / (0.05682106482509397::DOUBLE)) / (10.0::DOUBLE) * (100.0::DOUBLE) ELSE ((9.0::DOUBLE) + (probability - (0.14313704042976966::DOUBLE)) / (0.7563772233900894::DOUBLE)) / (10.0::DOUBLE) * (100.0::DOUBLE) END ELSE (100.0::DOUBLE) END END END) * (100.0::DOUBLE) + (0.5::DOUBLE)) / (100.0::DOUBLE) AS percentile,
  CASE WHEN score >= 14 THEN 'A' WHEN score >= 7 THEN 'B' WHEN score >= 4 THEN 'C' ELSE 'D' END AS grade,
  CASE WHEN raw_score >= (-1.7268214779513513::DOUBLE) THEN 'hot' WHEN raw_score >= (-2.7560684054628175::DOUBLE) THEN 'warm' ELSE 'cold' END AS tier,
  'logistic' AS model,
  rules_points,
  CASE WHEN rules_disq = 1 THEN 'disqualified' WHEN rules_points >= (60.0::DOUBLE) THEN 'hot' WHEN rules_points >= (30.0::DOUBLE) THEN 'warm' ELSE 'cold' END AS rules_tier,
  ctr0,
  ctr1,
  ctr2,
  ctr3,
  ctr4,
  ctr5,
  ctr6,
  ctr7,
  ctr8,
  ctr9,
  ctr10,
  ctr11,
  ctr12,
  ctr13,
  ctr14,
  ctr15,
  ctr16,
  ctr17,
  ctr18,
  ctr19,
  ctr20,
  ctr21,
  ctr22,
  ctr23,
  ctr24,
  ctr25,
  ctr26,
  ctr27,
  ctr28,
  ctr29,
  ctr30,
  ctr31,
  ctr32,
  ctr33,
  ctr34,
  ctr35,
  ctr36,
  ctr37,
  ctr38,
  ctr39,
  ctr40,
  ctr41,
  ctr42,
  ctr43,
  ctr44,
  ctr45,
  ctr46,
  ctr47,
  ctr48,
  ctr49,
  ctr50,
  ctr51,
  ctr52,
  ctr53,
  ctr54,
  ctr55,
  ctr56,
  ctr57,
  ctr58,
  ctr59,
  ctr60,
  ctr61,
  ctr62,
  ctr63,
  ctr64,
  ctr65,
  ctr66,
  ctr67,
  ctr68,
  ctr69,
  ctr70,
  ctr71,
  ctr72,
  ctr73,
  ctr74,
  ctr75,
  ctr76,
  ctr77,
  ctr78,
  ctr79,
  ctr80,
  ctr81,
  ctr82,
  ctr83,
  ctr84,
  ctr85,
  ctr86,
  ctr87,
  ctr88,
  ctr89,
  ctr90,
  ctr91,
  ctr92,
  ctr93,
  ctr94,
  ctr95,
  ctr96,
  ctr97,
  ctr98,
  ctr99,
  ctr100,
  ctr101,
  ctr102,
  ctr103,
  ctr104,
  ctr105,
  ctr106,
  ctr107,
  ctr108,
  ctr109,
  ctr110,
  ctr111,
  ctr112,
  ctr113,
  ctr114,
  ctr115,
  ctr116,
  ctr117,
  ctr118,
  ctr119,
  ctr120,
  ctr121,
  ctr122,
  ctr123,
  ctr124,
  ctr125,
  ctr126,
  ctr127,
  ctr128,
  ctr129,
  ctr130,
  ctr131,
  ctr132,
  ctr133,
  ctr134,
  ctr135,
  ctr136,
  ctr137,
  ctr138,
  ctr139,
  ctr140,
  ctr141,
  ctr142,
  ctr143,
  ctr144,
  ctr145,
  ctr146,
  ctr147,
  ctr148,
  ctr149,
  ctr150,
  ctr151,
  ctr152,
  ctr153,
  ctr154,
  ctr155,
  ctr156,
  ctr157,
  ctr158,
  ctr159,
  ctr160,
  ctr161,
  ctr162,
  ctr163,
  ctr164,
  ctr165,
  ctr166,
  ctr167,
  ctr168,
  ctr169,
  ctr170,
  ctr171,
  ctr172,
  ctr173,
  ctr174,
  ctr175,
  ctr176,
  ctr177,
  ctr178,
  ctr179,
  ctr180,
  ctr181,
  ctr182,
  ctr183,
  ctr184,
  ctr185,
  ctr186,
  ctr187,
  ctr188,
  ctr189
FROM prob AS pb
),
ex AS MATERIALIZED (
SELECT lead_id, CASE n.i WHEN 0 THEN 'industry' WHEN 1 THEN 'employees' WHEN 2 THEN 'annual_revenue' WHEN 3 THEN 'job_title' WHEN 4 THEN 'seniority' WHEN 5 THEN 'country' WHEN 6 THEN 'lead_source' WHEN 7 THEN 'lead age (days)' WHEN 8 THEN 'hour created (UTC)' WHEN 9 THEN 'weekday created (UTC)' WHEN 10 THEN 'all activity in 1 days' WHEN 11 THEN 'all activity in 7 days' WHEN 12 THEN 'all activity in 30 days' WHEN 13 THEN 'all activity in 90 days' WHEN 14 THEN 'all activity (decayed, 14-day half-life)' WHEN 15 THEN 'days since last all activity' WHEN 16 THEN 'active days in 90 days' WHEN 17 THEN 'email open rate' WHEN 18 THEN 'email click rate' WHEN 19 THEN 'unsubscribed' WHEN 20 THEN 'email bounced' WHEN 21 THEN 'visited careers page' WHEN 22 THEN 'channel=chat in 1 days' WHEN 23 THEN 'channel=chat in 7 days' WHEN 24 THEN 'channel=chat in 30 days' WHEN 25 THEN 'channel=chat in 90 days' WHEN 26 THEN 'channel=chat (decayed, 14-day half-life)' WHEN 27 THEN 'days since last channel=chat' WHEN 28 THEN 'channel=email in 1 days' WHEN 29 THEN 'channel=email in 7 days' WHEN 30 THEN 'channel=email in 30 days' WHEN 31 THEN 'channel=email in 90 days' WHEN 32 THEN 'channel=email (decayed, 14-day half-life)' WHEN 33 THEN 'days since last channel=email' WHEN 34 THEN 'channel=facebook in 1 days' WHEN 35 THEN 'channel=facebook in 7 days' WHEN 36 THEN 'channel=facebook in 30 days' WHEN 37 THEN 'channel=facebook in 90 days' WHEN 38 THEN 'channel=facebook (decayed, 14-day half-life)' WHEN 39 THEN 'days since last channel=facebook' WHEN 40 THEN 'channel=linkedin in 1 days' WHEN 41 THEN 'channel=linkedin in 7 days' WHEN 42 THEN 'channel=linkedin in 30 days' WHEN 43 THEN 'channel=linkedin in 90 days' WHEN 44 THEN 'channel=linkedin (decayed, 14-day half-life)' WHEN 45 THEN 'days since last channel=linkedin' WHEN 46 THEN 'channel=twitter in 1 days' WHEN 47 THEN 'channel=twitter in 7 days' WHEN 48 THEN 'channel=twitter in 30 days' WHEN 49 THEN 'channel=twitter in 90 days' WHEN 50 THEN 'channel=twitter (decayed, 14-day half-life)' WHEN 51 THEN 'days since last channel=twitter' WHEN 52 THEN 'channel=web in 1 days' WHEN 53 THEN 'channel=web in 7 days' WHEN 54 THEN 'channel=web in 30 days' WHEN 55 THEN 'channel=web in 90 days' WHEN 56 THEN 'channel=web (decayed, 14-day half-life)' WHEN 57 THEN 'days since last channel=web' WHEN 58 THEN 'channel=webinar in 1 days' WHEN 59 THEN 'channel=webinar in 7 days' WHEN 60 THEN 'channel=webinar in 30 days' WHEN 61 THEN 'channel=webinar in 90 days' WHEN 62 THEN 'channel=webinar (decayed, 14-day half-life)' WHEN 63 THEN 'days since last channel=webinar' WHEN 64 THEN 'content_download in 1 days' WHEN 65 THEN 'content_download in 7 days' WHEN 66 THEN 'content_download in 30 days' WHEN 67 THEN 'content_download in 90 days' WHEN 68 THEN 'content_download (decayed, 14-day half-life)' WHEN 69 THEN 'days since last content_download' WHEN 70 THEN 'demo_request in 1 days' WHEN 71 THEN 'demo_request in 7 days' WHEN 72 THEN 'demo_request in 30 days' WHEN 73 THEN 'demo_request in 90 days' WHEN 74 THEN 'demo_request (decayed, 14-day half-life)' WHEN 75 THEN 'days since last demo_request' WHEN 76 THEN 'email_bounce in 1 days' WHEN 77 THEN 'email_bounce in 7 days' WHEN 78 THEN 'email_bounce in 30 days' WHEN 79 THEN 'email_bounce in 90 days' WHEN 80 THEN 'email_bounce (decayed, 14-day half-life)' WHEN 81 THEN 'days since last email_bounce' WHEN 82 THEN 'email_click in 1 days' WHEN 83 THEN 'email_click in 7 days' WHEN 84 THEN 'email_click in 30 days' WHEN 85 THEN 'email_click in 90 days' WHEN 86 THEN 'email_click (decayed, 14-day half-life)' WHEN 87 THEN 'days since last email_click' WHEN 88 THEN 'email_open in 1 days' WHEN 89 THEN 'email_open in 7 days' WHEN 90 THEN 'email_open in 30 days' WHEN 91 THEN 'email_open in 90 days' WHEN 92 THEN 'email_open (decayed, 14-day half-life)' WHEN 93 THEN 'days since last email_open' WHEN 94 THEN 'email_sent in 1 days' WHEN 95 THEN 'email_sent in 7 days' WHEN 96 THEN 'email_sent in 30 days' WHEN 97 THEN 'email_sent in 90 days' WHEN 98 THEN 'email_sent (decayed, 14-day half-life)' WHEN 99 THEN 'days since last email_sent' WHEN 100 THEN 'email_unsubscribe in 1 days' WHEN 101 THEN 'email_unsubscribe in 7 days' WHEN 102 THEN 'email_unsubscribe in 30 days' WHEN 103 THEN 'email_unsubscribe in 90 days' WHEN 104 THEN 'email_unsubscribe (decayed, 14-day half-life)' WHEN 105 THEN 'days since last email_unsubscribe' WHEN 106 THEN 'form_submit in 1 days' WHEN 107 THEN 'form_submit in 7 days' WHEN 108 THEN 'form_submit in 30 days' WHEN 109 THEN 'form_submit in 90 days' WHEN 110 THEN 'form_submit (decayed, 14-day half-life)' WHEN 111 THEN 'days since last form_submit' WHEN 112 THEN 'free_trial_signup in 1 days' WHEN 113 THEN 'free_trial_signup in 7 days' WHEN 114 THEN 'free_trial_signup in 30 days' WHEN 115 THEN 'free_trial_signup in 90 days' WHEN 116 THEN 'free_trial_signup (decayed, 14-day half-life)' WHEN 117 THEN 'days since last free_trial_signup' WHEN 118 THEN 'live_chat in 1 days' WHEN 119 THEN 'live_chat in 7 days' WHEN 120 THEN 'live_chat in 30 days' WHEN 121 THEN 'live_chat in 90 days' WHEN 122 THEN 'live_chat (decayed, 14-day half-life)' WHEN 123 THEN 'days since last live_chat' WHEN 124 THEN 'newsletter_signup in 1 days' WHEN 125 THEN 'newsletter_signup in 7 days' WHEN 126 THEN 'newsletter_signup in 30 days' WHEN 127 THEN 'newsletter_signup in 90 days' WHEN 128 THEN 'newsletter_signup (decayed, 14-day half-life)' WHEN 129 THEN 'days since last newsletter_signup' WHEN 130 THEN 'page_view in 1 days' WHEN 131 THEN 'page_view in 7 days' WHEN 132 THEN 'page_view in 30 days' WHEN 133 THEN 'page_view in 90 days' WHEN 134 THEN 'page_view (decayed, 14-day half-life)' WHEN 135 THEN 'days since last page_view' WHEN 136 THEN 'page_view:blog in 1 days' WHEN 137 THEN 'page_view:blog in 7 days' WHEN 138 THEN 'page_view:blog in 30 days' WHEN 139 THEN 'page_view:blog in 90 days' WHEN 140 THEN 'page_view:blog (decayed, 14-day half-life)' WHEN 141 THEN 'days since last page_view:blog' WHEN 142 THEN 'page_view:careers in 1 days' WHEN 143 THEN 'page_view:careers in 7 days' WHEN 144 THEN 'page_view:careers in 30 days' WHEN 145 THEN 'page_view:careers in 90 days' WHEN 146 THEN 'page_view:careers (decayed, 14-day half-life)' WHEN 147 THEN 'days since last page_view:careers' WHEN 148 THEN 'page_view:contact in 1 days' WHEN 149 THEN 'page_view:contact in 7 days' WHEN 150 THEN 'page_view:contact in 30 days' WHEN 151 THEN 'page_view:contact in 90 days' WHEN 152 THEN 'page_view:contact (decayed, 14-day half-life)' WHEN 153 THEN 'days since last page_view:contact' WHEN 154 THEN 'page_view:directions in 1 days' WHEN 155 THEN 'page_view:directions in 7 days' WHEN 156 THEN 'page_view:directions in 30 days' WHEN 157 THEN 'page_view:directions in 90 days' WHEN 158 THEN 'page_view:directions (decayed, 14-day half-life)' WHEN 159 THEN 'days since last page_view:directions' WHEN 160 THEN 'page_view:home in 1 days' WHEN 161 THEN 'page_view:home in 7 days' WHEN 162 THEN 'page_view:home in 30 days' WHEN 163 THEN 'page_view:home in 90 days' WHEN 164 THEN 'page_view:home (decayed, 14-day half-life)' WHEN 165 THEN 'days since last page_view:home' WHEN 166 THEN 'page_view:pricing in 1 days' WHEN 167 THEN 'page_view:pricing in 7 days' WHEN 168 THEN 'page_view:pricing in 30 days' WHEN 169 THEN 'page_view:pricing in 90 days' WHEN 170 THEN 'page_view:pricing (decayed, 14-day half-life)' WHEN 171 THEN 'days since last page_view:pricing' WHEN 172 THEN 'page_view:product in 1 days' WHEN 173 THEN 'page_view:product in 7 days' WHEN 174 THEN 'page_view:product in 30 days' WHEN 175 THEN 'page_view:product in 90 days' WHEN 176 THEN 'page_view:product (decayed, 14-day half-life)' WHEN 177 THEN 'days since last page_view:product' WHEN 178 THEN 'social_interaction in 1 days' WHEN 179 THEN 'social_interaction in 7 days' WHEN 180 THEN 'social_interaction in 30 days' WHEN 181 THEN 'social_interaction in 90 days' WHEN 182 THEN 'social_interaction (decayed, 14-day half-life)' WHEN 183 THEN 'days since last social_interaction' WHEN 184 THEN 'webinar_attended in 1 days' WHEN 185 THEN 'webinar_attended in 7 days' WHEN 186 THEN 'webinar_attended in 30 days' WHEN 187 THEN 'webinar_attended in 90 days' WHEN 188 THEN 'webinar_attended (decayed, 14-day half-life)' WHEN 189 THEN 'days since last webinar_attended' END AS feature, CASE n.i WHEN 0 THEN ctr0 WHEN 1 THEN ctr1 WHEN 2 THEN ctr2 WHEN 3 THEN ctr3 WHEN 4 THEN ctr4 WHEN 5 THEN ctr5 WHEN 6 THEN ctr6 WHEN 7 THEN ctr7 WHEN 8 THEN ctr8 WHEN 9 THEN ctr9 WHEN 10 THEN ctr10 WHEN 11 THEN ctr11 WHEN 12 THEN ctr12 WHEN 13 THEN ctr13 WHEN 14 THEN ctr14 WHEN 15 THEN ctr15 WHEN 16 THEN ctr16 WHEN 17 THEN ctr17 WHEN 18 THEN ctr18 WHEN 19 THEN ctr19 WHEN 20 THEN ctr20 WHEN 21 THEN ctr21 WHEN 22 THEN ctr22 WHEN 23 THEN ctr23 WHEN 24 THEN ctr24 WHEN 25 THEN ctr25 WHEN 26 THEN ctr26 WHEN 27 THEN ctr27 WHEN 28 THEN ctr28 WHEN 29 THEN ctr29 WHEN 30 THEN ctr30 WHEN 31 THEN ctr31 WHEN 32 THEN ctr32 WHEN 33 THEN ctr33 WHEN 34 THEN ctr34 WHEN 35 THEN ctr35 WHEN 36 THEN ctr36 WHEN 37 THEN ctr37 WHEN 38 THEN ctr38 WHEN 39 THEN ctr39 WHEN 40 THEN ctr40 WHEN 41 THEN ctr41 WHEN 42 THEN ctr42 WHEN 43 THEN ctr43 WHEN 44 THEN ctr44 WHEN 45 THEN ctr45 WHEN 46 THEN ctr46 WHEN 47 THEN ctr47 WHEN 48 THEN ctr48 WHEN 49 THEN ctr49 WHEN 50 THEN ctr50 WHEN 51 THEN ctr51 WHEN 52 THEN ctr52 WHEN 53 THEN ctr53 WHEN 54 THEN ctr54 WHEN 55 THEN ctr55 WHEN 56 THEN ctr56 WHEN 57 THEN ctr57 WHEN 58 THEN ctr58 WHEN 59 THEN ctr59 WHEN 60 THEN ctr60 WHEN 61 THEN ctr61 WHEN 62 THEN ctr62 WHEN 63 THEN ctr63 WHEN 64 THEN ctr64 WHEN 65 THEN ctr65 WHEN 66 THEN ctr66 WHEN 67 THEN ctr67 WHEN 68 THEN ctr68 WHEN 69 THEN ctr69 WHEN 70 THEN ctr70 WHEN 71 THEN ctr71 WHEN 72 THEN ctr72 WHEN 73 THEN ctr73 WHEN 74 THEN ctr74 WHEN 75 THEN ctr75 WHEN 76 THEN ctr76 WHEN 77 THEN ctr77 WHEN 78 THEN ctr78 WHEN 79 THEN ctr79 WHEN 80 THEN ctr80 WHEN 81 THEN ctr81 WHEN 82 THEN ctr82 WHEN 83 THEN ctr83 WHEN 84 THEN ctr84 WHEN 85 THEN ctr85 WHEN 86 THEN ctr86 WHEN 87 THEN ctr87 WHEN 88 THEN ctr88 WHEN 89 THEN ctr89 WHEN 90 THEN ctr90 WHEN 91 THEN ctr91 WHEN 92 THEN ctr92 WHEN 93 THEN ctr93 WHEN 94 THEN ctr94 WHEN 95 THEN ctr95 WHEN 96 THEN ctr96 WHEN 97 THEN ctr97 WHEN 98 THEN ctr98 WHEN 99 THEN ctr99 WHEN 100 THEN ctr100 WHEN 101 THEN ctr101 WHEN 102 THEN ctr102 WHEN 103 THEN ctr103 WHEN 104 THEN ctr104 WHEN 105 THEN ctr105 WHEN 106 THEN ctr106 WHEN 107 THEN ctr107 WHEN 108 THEN ctr108 WHEN 109 THEN ctr109 WHEN 110 THEN ctr110 WHEN 111 THEN ctr111 WHEN 112 THEN ctr112 WHEN 113 THEN ctr113 WHEN 114 THEN ctr114 WHEN 115 THEN ctr115 WHEN 116 THEN ctr116 WHEN 117 THEN ctr117 WHEN 118 THEN ctr118 WHEN 119 THEN ctr119 WHEN 120 THEN ctr120 WHEN 121 THEN ctr121 WHEN 122 THEN ctr122 WHEN 123 THEN ctr123 WHEN 124 THEN ctr124 WHEN 125 THEN ctr125 WHEN 126 THEN ctr126 WHEN 127 THEN ctr127 WHEN 128 THEN ctr128 WHEN 129 THEN ctr129 WHEN 130 THEN ctr130 WHEN 131 THEN ctr131 WHEN 132 THEN ctr132 WHEN 133 THEN ctr133 WHEN 134 THEN ctr134 WHEN 135 THEN ctr135 WHEN 136 THEN ctr136 WHEN 137 THEN ctr137 WHEN 138 THEN ctr138 WHEN 139 THEN ctr139 WHEN 140 THEN ctr140 WHEN 141 THEN ctr141 WHEN 142 THEN ctr142 WHEN 143 THEN ctr143 WHEN 144 THEN ctr144 WHEN 145 THEN ctr145 WHEN 146 THEN ctr146 WHEN 147 THEN ctr147 WHEN 148 THEN ctr148 WHEN 149 THEN ctr149 WHEN 150 THEN ctr150 WHEN 151 THEN ctr151 WHEN 152 THEN ctr152 WHEN 153 THEN ctr153 WHEN 154 THEN ctr154 WHEN 155 THEN ctr155 WHEN 156 THEN ctr156 WHEN 157 THEN ctr157 WHEN 158 THEN ctr158 WHEN 159 THEN ctr159 WHEN 160 THEN ctr160 WHEN 161 THEN ctr161 WHEN 162 THEN ctr162 WHEN 163 THEN ctr163 WHEN 164 THEN ctr164 WHEN 165 THEN ctr165 WHEN 166 THEN ctr166 WHEN 167 THEN ctr167 WHEN 168 THEN ctr168 WHEN 169 THEN ctr169 WHEN 170 THEN ctr170 WHEN 171 THEN ctr171 WHEN 172 THEN ctr172 WHEN 173 THEN ctr173 WHEN 174 THEN ctr174 WHEN 175 THEN ctr175 WHEN 176 THEN ctr176 WHEN 177 THEN ctr177 WHEN 178 THEN ctr178 WHEN 179 THEN ctr179 WHEN 180 THEN ctr180 WHEN 181 THEN ctr181 WHEN 182 THEN ctr182 WHEN 183 THEN ctr183 WHEN 184 THEN ctr184 WHEN 185 THEN ctr185 WHEN 186 THEN ctr186 WHEN 187 THEN ctr187 WHEN 188 THEN ctr188 WHEN 189 THEN ctr189 END AS contribution
FROM scored AS s CROSS JOIN (SELECT 0 AS i UNION ALL SELECT 1 AS i UNION ALL SELECT 2 AS i UNION ALL SELECT 3 AS i UNION ALL SELECT 4 AS i UNION ALL SELECT 5 AS i UNION ALL SELECT 6 AS i UNION ALL SELECT 7 AS i UNION ALL SELECT 8 AS i UNION ALL SELECT 9 AS i UNION ALL SELECT 10 AS i UNION ALL SELECT 11 AS i UNION ALL SELECT 12 AS i UNION ALL SELECT 13 AS i UNION ALL SELECT 14 AS i UNION ALL SELECT 15 AS i UNION ALL SELECT 16 AS i UNION ALL SELECT 17 AS i UNION ALL SELECT 18 AS i UNION ALL SELECT 19 AS i UNION ALL SELECT 20 AS i UNION ALL SELECT 21 AS i UNION ALL SELECT 22 AS i UNION ALL SELECT 23 AS i UNION ALL SELECT 24 AS i UNION ALL SELECT 25 AS i UNION ALL SELECT 26 AS i UNION ALL SELECT 27 AS i UNION ALL SELECT 28 AS i UNION ALL SELECT 29 AS i UNION ALL SELECT 30 AS i UNION ALL SELECT 31 AS i UNION ALL SELECT 32 AS i UNION ALL SELECT 33 AS i UNION ALL SELECT 34 AS i UNION ALL SELECT 35 AS i UNION ALL SELECT 36 AS i UNION ALL SELECT 37 AS i UNION ALL SELECT 38 AS i UNION ALL SELECT 39 AS i UNION ALL SELECT 40 AS i UNION ALL SELECT 41 AS i UNION ALL SELECT 42 AS i UNION ALL SELECT 43 AS i UNION ALL SELECT 44 AS i UNION ALL SELECT 45 AS i UNION ALL SELECT 46 AS i UNION ALL SELECT 47 AS i UNION ALL SELECT 48 AS i UNION ALL SELECT 49 AS i UNION ALL SELECT 50 AS i UNION ALL SELECT 51 AS i UNION ALL SELECT 52 AS i UNION ALL SELECT 53 AS i UNION ALL SELECT 54 AS i UNION ALL SELECT 55 AS i UNION ALL SELECT 56 AS i UNION ALL SELECT 57 AS i UNION ALL SELECT 58 AS i UNION ALL SELECT 59 AS i UNION ALL SELECT 60 AS i UNION ALL SELECT 61 AS i UNION ALL SELECT 62 AS i UNION ALL SELECT 63 AS i UNION ALL SELECT 64 AS i UNION ALL SELECT 65 AS i UNION ALL SELECT 66 AS i UNION ALL SELECT 67 AS i UNION ALL SELECT 68 AS i UNION ALL SELECT 69 AS i UNION ALL SELECT 70 AS i UNION ALL SELECT 71 AS i UNION ALL SELECT 72 AS i UNION ALL SELECT 73 AS i UNION ALL SELECT 74 AS i UNION ALL SELECT 75 AS i UNION ALL SELECT 76 AS i UNION ALL SELECT 77 AS i UNION ALL SELECT 78 AS i UNION ALL SELECT 79 AS i UNION ALL SELECT 80 AS i UNION ALL SELECT 81 AS i UNION ALL SELECT 82 AS i UNION ALL SELECT 83 AS i UNION ALL SELECT 84 AS i UNION ALL SELECT 85 AS i UNION ALL SELECT 86 AS i UNION ALL SELECT 87 AS i UNION ALL SELECT 88 AS i UNION ALL SELECT 89 AS i UNION ALL SELECT 90 AS i UNION ALL SELECT 91 AS i UNION ALL SELECT 92 AS i UNION ALL SELECT 93 AS i UNION ALL SELECT 94 AS i UNION ALL SELECT 95 AS i UNION ALL SELECT 96 AS i UNION ALL SELECT 97 AS i UNION ALL SELECT 98 AS i UNION ALL SELECT 99 AS i UNION ALL SELECT 100 AS i UNION ALL SELECT 101 AS i UNION ALL SELECT 102 AS i UNION ALL SELECT 103 AS i UNION ALL SELECT 104 AS i UNION ALL SELECT 105 AS i UNION ALL SELECT 106 AS i UNION ALL SELECT 107 AS i UNION ALL SELECT 108 AS i UNION ALL SELECT 109 AS i UNION ALL SELECT 110 AS i UNION ALL SELECT 111 AS i UNION ALL SELECT 112 AS i UNION ALL SELECT 113 AS i UNION ALL SELECT 114 AS i UNION ALL SELECT 115 AS i UNION ALL SELECT 116 AS i UNION ALL SELECT 117 AS i UNION ALL SELECT 118 AS i UNION ALL SELECT 119 AS i UNION ALL SELECT 120 AS i UNION ALL SELECT 121 AS i UNION ALL SELECT 122 AS i UNION ALL SELECT 123 AS i UNION ALL SELECT 124 AS i UNION ALL SELECT 125 AS i UNION ALL SELECT 126 AS i UNION ALL SELECT 127 AS i UNION ALL SELECT 128 AS i UNION ALL SELECT 129 AS i UNION ALL SELECT 130 AS i UNION ALL SELECT 131 AS i UNION ALL SELECT 132 AS i UNION ALL SELECT 133 AS i UNION ALL SELECT 134 AS i UNION ALL SELECT 135 AS i UNION ALL SELECT 136 AS i UNION ALL SELECT 137 AS i UNION ALL SELECT 138 AS i UNION ALL SELECT 139 AS i UNION ALL SELECT 140 AS i UNION ALL SELECT 141 AS i UNION ALL SELECT 142 AS i UNION ALL SELECT 143 AS i UNION ALL SELECT 144 AS i UNION ALL SELECT 145 AS i UNION ALL SELECT 146 AS i UNION ALL SELECT 147 AS i UNION ALL SELECT 148 AS i UNION ALL SELECT 149 AS i UNION ALL SELECT 150 AS i UNION ALL SELECT 151 AS i UNION ALL SELECT 152 AS i UNION ALL SELECT 153 AS i UNION ALL SELECT 154 AS i UNION ALL SELECT 155 AS i UNION ALL SELECT 156 AS i UNION ALL SELECT 157 AS i UNION ALL SELECT 158 AS i UNION ALL SELECT 159 AS i UNION ALL SELECT 160 AS i UNION ALL SELECT 161 AS i UNION ALL SELECT 162 AS i UNION ALL SELECT 163 AS i UNION ALL SELECT 164 AS i UNION ALL SELECT 165 AS i UNION ALL SELECT 166 AS i UNION ALL SELECT 167 AS i UNION ALL SELECT 168 AS i UNION ALL SELECT 169 AS i UNION ALL SELECT 170 AS i UNION ALL SELECT 171 AS i UNION ALL SELECT 172 AS i UNION ALL SELECT 173 AS i UNION ALL SELECT 174 AS i UNION ALL SELECT 175 AS i UNION ALL SELECT 176 AS i UNION ALL SELECT 177 AS i UNION ALL SELECT 178 AS i UNION ALL SELECT 179 AS i UNION ALL SELECT 180 AS i UNION ALL SELECT 181 AS i UNION ALL SELECT 182 AS i UNION ALL SELECT 183 AS i UNION ALL SELECT 184 AS i UNION ALL SELECT 185 AS i UNION ALL SELECT 186 AS i UNION ALL SELECT 187 AS i UNION ALL SELECT 188 AS i UNION ALL SELECT 189 AS i) AS n
),
rk AS MATERIALIZED (
SELECT lead_id, feature, contribution,
  ROW_NUMBER() OVER (PARTITION BY lead_id, CASE WHEN contribution > 0 THEN 1 ELSE 0 END
    ORDER BY CASE WHEN contribution > 0 THEN -contribution ELSE contribution END,
      CASE WHEN contribution > 0 THEN feature END, CASE WHEN contribution < 0 THEN feature END DESC) AS rn
FROM ex AS e WHERE contribution <> 0
),
reasons AS MATERIALIZED (
SELECT lead_id, COALESCE(CAST(to_json(list(json_object('feature', feature, 'contribution', contribution) ORDER BY CASE WHEN contribution > 0 THEN rn ELSE 2 + rn END) FILTER (WHERE rn <= 2)) AS VARCHAR), '[]') AS reasons
FROM rk AS r WHERE rn <= 2 GROUP BY lead_id
)
SELECT lead_id, probability, score, percentile, grade, tier, model, rules_points, rules_tier, COALESCE(reasons, '[]') AS reasons
FROM scored AS s LEFT JOIN reasons AS r USING (lead_id)
