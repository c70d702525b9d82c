/**
 * @module test/support/kernel-attack
 * The start of the Python that isolation tests run in a notebook's kernel: `attempt(name, action)`
 * records whether the OS allowed or denied an action (or what else went wrong), `read(path)` reads
 * a byte. The test adds its attempts and prints `results` as JSON.
 */
export const ATTACK_PRELUDE = `
import json, os
results = {}
def attempt(name, action):
    try:
        action()
        results[name] = 'allowed'
    except PermissionError:
        results[name] = 'denied'
    except Exception as err:
        results[name] = type(err).__name__ + ': ' + str(err)
def read(path):
    with open(path, 'rb') as f:
        f.read(1)
`;
