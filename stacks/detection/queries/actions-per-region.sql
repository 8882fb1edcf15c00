-- Calls per account, region and action over the last 7 days: activity in an unused region stands out.
SELECT account,
       awsregion,
       eventname,
       count(*) AS calls,
       count_if(errorcode IS NOT NULL) AS failed_calls,
       count(DISTINCT useridentity.arn) AS principals
FROM cloudtrail
WHERE readonly = 'false'
  AND log_date >= date_format(current_date - INTERVAL '7' DAY, '%Y/%m/%d')
GROUP BY account, awsregion, eventname
ORDER BY account, awsregion, calls DESC
