Creator "liqnet network (MODEL.md s2): attributes in docs/network.md"
Version 1
graph
[
  directed 1
  node
  [
    id 0
    kind "asset"
    name "WETH"
    price 2000
    market_depth 50000
    market_resilience 0.02
  ]
  node
  [
    id 1
    kind "asset"
    name "USDC"
    price 1
    market_depth INF
    market_resilience 0
  ]
  node
  [
    id 2
    kind "pool"
    name "WETH-USDC"
    pool_kind "constant_product"
    token0 "WETH"
    token1 "USDC"
    reserve0 10000
    reserve1 20000000
    fee 0.003
    arbitrage 0.5
  ]
  node
  [
    id 3
    kind "oracle"
    name "ETH/USD"
    source "market"
    heartbeat 300
    deviation 0.005
    latency 0
    window 1
  ]
  node
  [
    id 4
    kind "oracle"
    name "USDC/USD"
    source "market"
    heartbeat 7200
    deviation 0.001
    latency 0
    window 1
  ]
  node
  [
    id 5
    kind "protocol"
    name "AaveLike"
    protocol_kind "lending"
    debt_asset "USDC"
    debt_oracle "USDC/USD"
    insurance_fund 2000000
    gas_cost 5
    min_profit 0
    max_liquidations 500
    accounts 20000
  ]
  node
  [
    id 6
    kind "protocol"
    name "CompoundLike"
    protocol_kind "lending"
    debt_asset "USDC"
    debt_oracle "USDC/USD"
    insurance_fund 1000000
    gas_cost 5
    min_profit 0
    max_liquidations INF
    accounts 10000
  ]
  node
  [
    id 7
    kind "protocol"
    name "HighLTV"
    protocol_kind "lending"
    debt_asset "USDC"
    debt_oracle "USDC/USD"
    insurance_fund 250000
    gas_cost 5
    min_profit 1
    max_liquidations INF
    accounts 5000
  ]
  edge
  [
    source 2
    target 0
    kind "trades"
    role "token0"
  ]
  edge
  [
    source 2
    target 1
    kind "trades"
    role "token1"
  ]
  edge
  [
    source 3
    target 0
    kind "reads"
  ]
  edge
  [
    source 4
    target 1
    kind "reads"
  ]
  edge
  [
    source 5
    target 0
    kind "market"
    role "collateral"
    liquidation_threshold 0.83
    liquidation_bonus 0.05
    close_factor 0.5
    full_close_health 0.95
    routing "weight"
  ]
  edge
  [
    source 5
    target 3
    kind "uses_oracle"
    role "collateral"
  ]
  edge
  [
    source 5
    target 2
    kind "routes"
    weight 1
  ]
  edge
  [
    source 5
    target 1
    kind "market"
    role "debt"
  ]
  edge
  [
    source 5
    target 4
    kind "uses_oracle"
    role "debt"
  ]
  edge
  [
    source 6
    target 0
    kind "market"
    role "collateral"
    liquidation_threshold 0.895
    liquidation_bonus 0.0526
    close_factor 1
    full_close_health 1
    routing "weight"
  ]
  edge
  [
    source 6
    target 3
    kind "uses_oracle"
    role "collateral"
  ]
  edge
  [
    source 6
    target 2
    kind "routes"
    weight 1
  ]
  edge
  [
    source 6
    target 1
    kind "market"
    role "debt"
  ]
  edge
  [
    source 6
    target 4
    kind "uses_oracle"
    role "debt"
  ]
  edge
  [
    source 7
    target 0
    kind "market"
    role "collateral"
    liquidation_threshold 0.93
    liquidation_bonus 0.02
    close_factor 1
    full_close_health 1
    routing "weight"
  ]
  edge
  [
    source 7
    target 3
    kind "uses_oracle"
    role "collateral"
  ]
  edge
  [
    source 7
    target 2
    kind "routes"
    weight 1
  ]
  edge
  [
    source 7
    target 1
    kind "market"
    role "debt"
  ]
  edge
  [
    source 7
    target 4
    kind "uses_oracle"
    role "debt"
  ]
]
