-- Accepted outbound flows to common mining-pool ports (3333, 4444, 5555, 8333) in the last 7 days, per instance and destination.
SELECT account,
       region,
       instance_id,
       interface_id,
       dstaddr,
       dstport,
       count(*) AS flows,
       sum(bytes) AS bytes_sent,
       from_unixtime(min(start)) AS first_seen,
       from_unixtime(max("end")) AS last_seen
FROM vpc_flow_logs
WHERE flow_direction = 'egress'
  AND action = 'ACCEPT'
  AND dstport IN (3333, 4444, 5555, 8333)
  AND log_date >= date_format(current_date - INTERVAL '7' DAY, '%Y/%m/%d')
GROUP BY account, region, instance_id, interface_id, dstaddr, dstport
ORDER BY bytes_sent DESC
