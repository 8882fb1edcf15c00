-- Opt-in regions enabled or disabled in the last 90 days: miners go where nobody looks.
SELECT from_iso8601_timestamp(eventtime) AS event_time,
       account,
       eventname,
       json_extract_scalar(requestparameters, '$.RegionName') AS region_name,
       useridentity.arn AS principal_arn,
       sourceipaddress,
       errorcode
FROM cloudtrail
WHERE eventsource = 'account.amazonaws.com'
  AND eventname IN ('EnableRegion', 'DisableRegion')
  AND log_date >= date_format(current_date - INTERVAL '90' DAY, '%Y/%m/%d')
ORDER BY event_time DESC
