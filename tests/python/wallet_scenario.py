"""A Python user of rmesh with cosmpy, over gRPC or the REST API: read a balance, send tokens,
delegate.

Run by tests/tests/python_client.rs, which passes the node and accounts as arguments and checks
the results on the chain itself. Prints one JSON object with what the client saw.
"""

import json
import sys

from cosmpy.aerial.client import LedgerClient, NetworkConfig
from cosmpy.aerial.wallet import LocalWallet
from cosmpy.crypto.address import Address


def main() -> None:
    # `grpc+http://host:port` or `rest+http://host:port`: cosmpy talks to either.
    url, chain_id, mnemonic, recipient, validator, denom, prefix = sys.argv[1:8]
    client = LedgerClient(
        NetworkConfig(
            chain_id=chain_id,
            url=url,
            fee_minimum_gas_price=0.01,
            fee_denomination=denom,
            staking_denomination=denom,
        )
    )
    wallet = LocalWallet.from_mnemonic(mnemonic, prefix=prefix)
    balance_before = client.query_bank_balance(wallet.address(), denom)
    # Gas comes from the node's simulation and is capped by the block gas limit the client reads
    # from the consensus params.
    sent = client.send_tokens(Address(recipient), 12345, denom, wallet).wait_to_complete()
    delegated = client.delegate_tokens(Address(validator), 2_000_000, wallet).wait_to_complete()
    summary = client.query_staking_summary(wallet.address())
    print(
        json.dumps(
            {
                "address": str(wallet.address()),
                "balance_before": balance_before,
                "balance_after": client.query_bank_balance(wallet.address(), denom),
                "recipient_balance": client.query_bank_balance(Address(recipient), denom),
                "send_tx": sent.tx_hash,
                "delegate_tx": delegated.tx_hash,
                "staked": summary.total_staked,
                "block_gas_limit": client.gas_strategy.block_gas_limit(),
            }
        )
    )


if __name__ == "__main__":
    main()
