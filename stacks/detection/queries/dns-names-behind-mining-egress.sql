-- The DNS names behind accepted egress to mining-pool ports in the last 7 days: which pool a flow went to, even when it is not a known name.
WITH pool_flows AS (
  SELECT account, instance_id, dstaddr, dstport, count(*) AS flows, sum(bytes) AS bytes_sent
  FROM vpc_flow_logs
  WHERE log_date >= date_format(current_date - INTERVAL '7' DAY, '%Y/%m/%d')
    AND flow_direction = 'egress'
    AND action = 'ACCEPT'
    AND dstport IN (3333, 4444, 5555, 7777, 8333, 14433, 14444, 45700)
  GROUP BY account, instance_id, dstaddr, dstport
),
lookups AS (
  SELECT DISTINCT account, srcids.instance AS instance_id, lower(query_name) AS query_name, a.rdata AS address
  FROM resolver_query_logs
  CROSS JOIN UNNEST(answers) AS t (a)
  WHERE log_date >= date_format(current_date - INTERVAL '7' DAY, '%Y/%m/%d')
)
SELECT f.account,
       f.instance_id,
       f.dstaddr,
       f.dstport,
       f.flows,
       f.bytes_sent,
       array_join(array_agg(DISTINCT l.query_name), ', ') AS resolved_from
FROM pool_flows f
LEFT JOIN lookups l
  ON l.account = f.account AND l.instance_id = f.instance_id AND l.address = f.dstaddr
GROUP BY f.account, f.instance_id, f.dstaddr, f.dstport, f.flows, f.bytes_sent
ORDER BY f.bytes_sent DESC
