#!/usr/bin/python3
"""Checks that a liqnet output file opens in xarray (engine h5netcdf) as one
labelled dataset laid out as docs/hdf5-schema.md says.

Usage: /usr/bin/python3 tests/check_xarray.py OUT.h5 [--status STATUS]

Run it with Debian's /usr/bin/python3, which has h5py, h5netcdf, xarray and
numpy. Prints a short summary; exits 1 with the list of failures otherwise.
"""
import argparse
import sys

import numpy as np
import xarray as xr

ENTITY_DIMS = ("asset", "pool", "oracle", "protocol")

# name: (dims, dtype, units) as written by src/io/h5_writer.c
SERIES = {
    "exogenous_price": (("round", "asset"), "float64", "USD per unit"),
    "reference_price": (("round", "asset"), "float64", "USD per unit"),
    "pool_reserve0": (("round", "pool"), "float64", "units of token0"),
    "pool_reserve1": (("round", "pool"), "float64", "units of token1"),
    "pool_price": (("round", "pool"), "float64", "token1 per token0"),
    "oracle_price": (("round", "oracle"), "float64", "source price units"),
    "liquidations": (("round", "protocol"), "int64", "count"),
    "repaid_value": (("round", "protocol"), "float64", "USD"),
    "seized_value": (("round", "protocol"), "float64", "USD"),
    "stalled": (("round", "protocol"), "int64", "count"),
    "bad_debt": (("round", "protocol"), "float64", "USD"),
    "insurance_fund": (("round", "protocol"), "float64", "USD"),
    "deficit": (("round", "protocol"), "float64", "USD"),
    "collateral_value": (("round", "protocol"), "float64", "USD"),
    "debt_value": (("round", "protocol"), "float64", "USD"),
    "impairment": (("round", "protocol"), "float64", "USD"),
    "holdings_value": (("round", "protocol"), "float64", "USD"),
    "redemption": (("round", "protocol"), "float64", "1"),
}

# Series written only for runs with Dutch auctions (docs/hdf5-schema.md).
AUCTION_SERIES = {
    "auctions_started": (("round", "protocol"), "int64", "count"),
    "auctions_active": (("round", "protocol"), "int64", "count"),
    "auction_sold_value": (("round", "protocol"), "float64", "USD"),
    "auction_raised": (("round", "protocol"), "float64", "debt units"),
    "keeper_rewards": (("round", "protocol"), "float64", "USD"),
    "auction_bad_debt": (("round", "protocol"), "float64", "USD"),
    "auction_tab": (("round", "protocol"), "float64", "debt units"),
}

# The dimension and series of runs whose scenario declares chains (docs/hdf5-schema.md,
# "Chains"); block_gas_used is NaN in a round without a block.
CHAIN_SERIES = {
    "gas_cost": (("round", "protocol"), "float64", "USD"),
    "gas_paid": (("round", "protocol"), "float64", "USD"),
    "tx_reverted": (("round", "protocol"), "int64", "count"),
    "gas_price": (("round", "chain"), "float64", "gwei per gas"),
    "base_fee": (("round", "chain"), "float64", "gwei per gas"),
    "block_gas_used": (("round", "chain"), "float64", "1"),
    "tx_included": (("round", "chain"), "int64", "count"),
    "tx_pending": (("round", "chain"), "int64", "count"),
    "tx_dropped": (("round", "chain"), "int64", "count"),
}

SUMMARY = {
    "amplification": (("oracle",), "float64", "1"),
    "oracle_drawdown": (("oracle",), "float64", "1"),
    "exogenous_drawdown": (("oracle",), "float64", "1"),
    "total_liquidations": (("protocol",), "int64", "count"),
    "liquidated_value": (("protocol",), "float64", "USD"),
    "total_repaid_value": (("protocol",), "float64", "USD"),
    "total_stalled": (("protocol",), "int64", "account-rounds"),
    "final_bad_debt": (("protocol",), "float64", "USD"),
    "final_deficit": (("protocol",), "float64", "USD"),
    "insurance_drawdown": (("protocol",), "float64", "USD"),
    "final_impairment": (("protocol",), "float64", "USD"),
    "breaker_rounds": (("protocol",), "int64", "rounds"),
    "peak_penalty_scale": (("protocol",), "float64", "1"),
    "first_failure_round": (("protocol",), "int64", "round"),
    "total_stability_offset": (("protocol",), "float64", "debt-asset units"),
    "total_redistributed_debt": (("protocol",), "float64", "debt-asset units"),
    "total_stability_gain": (("protocol",), "float64", "collateral units"),
    "recovery_rounds": (("protocol",), "int64", "rounds"),
    "total_auctions": (("protocol",), "int64", "count"),
    "total_auction_sold_value": (("protocol",), "float64", "USD"),
    "total_auction_raised": (("protocol",), "float64", "debt units"),
    "total_keeper_rewards": (("protocol",), "float64", "USD"),
    "final_auction_bad_debt": (("protocol",), "float64", "USD"),
    "final_auction_tab": (("protocol",), "float64", "debt units"),
    "total_adl_volume": (("protocol",), "float64", "USD"),
    "cascade_length": ((), "int64", "rounds"),
    "first_liquidation_round": ((), "int64", "round"),
    "last_liquidation_round": ((), "int64", "round"),
    "last_exogenous_move_round": ((), "int64", "round"),
    "peak_liquidation_round": ((), "int64", "round"),
    "peak_liquidated_value": ((), "float64", "USD"),
    "total_liquidated_value": ((), "float64", "USD"),
    "total_bad_debt": ((), "float64", "USD"),
    "total_deficit": ((), "float64", "USD"),
    "failed_protocols": ((), "int64", "count"),
    "ecosystem_adl_volume": ((), "float64", "USD"),
    "adversary_profit": ((), "float64", "USD"),
    "adversary_liquidation_profit": ((), "float64", "USD"),
    "adversary_round_trip": ((), "float64", "USD"),
    "adversary_flash_fee": ((), "float64", "USD"),
    "adversary_liquidations": ((), "int64", "count"),
}

ROOT_ATTRS = ("liqnet_version", "scenario", "scenario_name", "seed", "status",
              "rounds_completed")


def as_str(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def check(path, expected_status):
    errors = []

    def expect(ok, message):
        if not ok:
            errors.append(message)

    with xr.open_dataset(path, engine="h5netcdf") as ds:
        ds.load()  # read every value: a truncated or corrupt chunk fails here
        for attr in ROOT_ATTRS:
            expect(attr in ds.attrs, f"root attribute {attr!r} missing")
        if errors:
            return errors, None
        status = as_str(ds.attrs["status"])
        expect(status in ("incomplete", "complete", "interrupted"), f"status {status!r}")
        if expected_status is not None:
            expect(status == expected_status, f"status {status!r}, expected {expected_status!r}")
        expect(np.issubdtype(np.asarray(ds.attrs["seed"]).dtype, np.unsignedinteger),
               "seed is not an unsigned integer")

        has_chains = "chain" in ds.dims
        entity_dims = (*ENTITY_DIMS, "chain") if has_chains else ENTITY_DIMS
        expect(set(ds.dims) == {"round", *entity_dims}, f"dims {sorted(ds.dims)}")
        for dim in ("round", *entity_dims):
            expect(dim in ds.coords, f"coordinate {dim!r} missing")
        if errors:
            return errors, None
        n_rounds = ds.sizes["round"]
        expect(n_rounds >= 1, "no rounds (round 0 is written at create)")
        expect(ds["round"].dtype == np.int64, f"round dtype {ds['round'].dtype}")
        expect(np.array_equal(ds["round"].values, np.arange(n_rounds)),
               "round is not 0, 1, 2, ...")
        expect(int(ds.attrs["rounds_completed"]) == n_rounds - 1,
               f"rounds_completed {ds.attrs['rounds_completed']} with {n_rounds} rounds")
        for dim in entity_dims:
            names = ds[dim].values
            expect(all(isinstance(n, str) and n for n in names), f"{dim} names {names!r}")
            expect(len(set(names)) == len(names), f"{dim} names repeat: {names!r}")

        def check_var(name, dims, dtype, units):
            if name not in ds.variables:
                errors.append(f"variable {name!r} missing")
                return
            var = ds[name]
            expect(var.dims == dims, f"{name}: dims {var.dims}, expected {dims}")
            expect(var.dtype == np.dtype(dtype), f"{name}: dtype {var.dtype}, expected {dtype}")
            expect(as_str(var.attrs.get("units")) == units,
                   f"{name}: units {var.attrs.get('units')!r}, expected {units!r}")
            expect(bool(as_str(var.attrs.get("long_name", ""))), f"{name}: no long_name")

        for name, spec in SERIES.items():
            check_var(name, *spec)
            if name in ds and ds[name].dtype.kind == "f":
                values = ds[name].values
                if name == "redemption":  # NaN for a protocol that issues nothing
                    values = values[~np.isnan(values)]
                expect(bool(np.all(np.isfinite(values))), f"{name}: non-finite values")
        has_auctions = "auctions_started" in ds.variables
        for name, spec in AUCTION_SERIES.items():
            if has_auctions:
                check_var(name, *spec)
        for name, spec in CHAIN_SERIES.items():
            if has_chains:
                check_var(name, *spec)
                if name in ds and name != "block_gas_used" and ds[name].dtype.kind == "f":
                    expect(bool(np.all(np.isfinite(ds[name].values))),
                           f"{name}: non-finite values")
        has_summary = "cascade_length" in ds.variables
        if status != "incomplete":
            expect(has_summary, f"status {status!r} but no summary variables")
        if has_summary:
            for name, spec in SUMMARY.items():
                check_var(name, *spec)
        known = set(SERIES) | set(SUMMARY) | {"round", *ENTITY_DIMS}
        if has_auctions:
            known |= set(AUCTION_SERIES)
        if has_chains:
            known |= set(CHAIN_SERIES) | {"chain"}
        extra = sorted(set(ds.variables) - known)
        expect(not extra, f"unexpected variables {extra}")

        summary = (f"{path}: status {status}, {n_rounds} rounds, "
                   + ", ".join(f"{ds.sizes[d]} {d}s" for d in entity_dims)
                   + (f", {len(ds.data_vars)} variables"))
        if has_summary:
            summary += (f"; cascade_length {int(ds['cascade_length'])}, "
                        f"liquidated {float(ds['total_liquidated_value']):.6g} USD, "
                        f"bad debt {float(ds['total_bad_debt']):.6g} USD")
        return errors, summary


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--status", choices=("incomplete", "complete", "interrupted"))
    args = parser.parse_args()
    try:
        errors, summary = check(args.path, args.status)
    except Exception as exc:  # an unreadable file is a failure, not a crash
        print(f"FAIL {args.path}: cannot open with xarray/h5netcdf: {exc!r}", file=sys.stderr)
        return 1
    if errors:
        for e in errors:
            print(f"FAIL {args.path}: {e}", file=sys.stderr)
        return 1
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
