import neostandard from 'neostandard'

export default [
  ...neostandard({ ts: true, ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.tap/**', 'var/**', 'monitoring/**'] }),
  {
    rules: {
      // Long validation tables read better unwrapped.
      '@stylistic/max-len': 'off'
    }
  }
]
