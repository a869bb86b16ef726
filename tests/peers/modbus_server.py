"""A Modbus TCP server for the peer tests: pymodbus serving the registers of a JSON file
on loopback. A test changes a device the way an operator's tool would, by writing its
holding registers or coils over Modbus (redcon itself never writes).

    python modbus_server.py PORT FILE

FILE: {"<unit id>": {"holding": [...], "input": [...], "coils": [...], "discrete": [...]}}
Addresses past the end of a list answer the exception "illegal data address".
"""

import asyncio
import json
import sys

from pymodbus.datastore import (
    ModbusDeviceContext,
    ModbusSequentialDataBlock,
    ModbusServerContext,
)
from pymodbus.server import StartAsyncTcpServer


def block(values):
    # Block address 1 is protocol address 0 (pymodbus 3.16 refuses address 0).
    return ModbusSequentialDataBlock(1, list(values) or [0])


def main():
    port, path = int(sys.argv[1]), sys.argv[2]
    with open(path, encoding="utf-8") as f:
        units = json.load(f)
    devices = {
        int(u): ModbusDeviceContext(
            hr=block(t.get("holding", [])),
            ir=block(t.get("input", [])),
            co=block(t.get("coils", [])),
            di=block(t.get("discrete", [])),
        )
        for u, t in units.items()
    }
    context = ModbusServerContext(devices=devices, single=False)
    asyncio.run(StartAsyncTcpServer(context=context, address=("127.0.0.1", port)))


if __name__ == "__main__":
    main()
