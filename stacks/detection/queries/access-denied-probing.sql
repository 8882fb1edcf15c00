-- Principals with many denied calls in the last 7 days: stolen keys probe what they may do.
SELECT useridentity.arn AS principal_arn,
       useridentity.accesskeyid AS access_key,
       count(*) AS denied_calls,
       count(DISTINCT eventname) AS distinct_actions,
       count(DISTINCT awsregion) AS regions,
       min(from_iso8601_timestamp(eventtime)) AS first_seen,
       max(from_iso8601_timestamp(eventtime)) AS last_seen
FROM cloudtrail
WHERE errorcode IN ('AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'Client.UnauthorizedOperation')
  AND log_date >= date_format(current_date - INTERVAL '7' DAY, '%Y/%m/%d')
GROUP BY useridentity.arn, useridentity.accesskeyid
HAVING count(*) >= 20
ORDER BY denied_calls DESC
