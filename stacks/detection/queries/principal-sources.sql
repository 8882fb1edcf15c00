-- Source IPs and user agents one principal used, with first and last sighting. Replace the ARN.
SELECT sourceipaddress,
       useragent,
       count(*) AS calls,
       count_if(errorcode IS NOT NULL) AS failed_calls,
       min(from_iso8601_timestamp(eventtime)) AS first_seen,
       max(from_iso8601_timestamp(eventtime)) AS last_seen,
       array_agg(DISTINCT awsregion) AS regions
FROM cloudtrail
WHERE (useridentity.arn = 'arn:aws:iam::111122223333:user/suspect'
       OR useridentity.sessioncontext.sessionissuer.arn = 'arn:aws:iam::111122223333:user/suspect')
  AND log_date >= date_format(current_date - INTERVAL '30' DAY, '%Y/%m/%d')
GROUP BY sourceipaddress, useragent
ORDER BY calls DESC
