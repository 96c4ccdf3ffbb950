import { expect, it } from 'vitest'
import type { Exchange } from '../../../src/simulator/request-log.js'
import { describeConformance } from '../../helpers/conformance.js'
import { conformanceProblems, useSimulator } from '../../helpers/simulator.js'

const exchange = (over: Partial<Exchange>): Exchange => ({
  method: 'GET',
  path: '/epayment/v1/payments/ref-00000001',
  query: '',
  requestHeaders: {},
  requestBody: '',
  status: 200,
  contentType: 'application/json',
  responseHeaders: {},
  responseText: '{}',
  ...over,
})

// The check every simulator test runs after itself must be able to fail.
describeConformance('simulator conformance check', () => {
  const sim = useSimulator()

  it('flags an answer that does not fit the spec, and passes one that does', async () => {
    expect(conformanceProblems([exchange({})]).join('\n')).toMatch(/aggregate/)
    expect(conformanceProblems([exchange({ status: 201 })]).join('\n')).toMatch(/not documented/)
    expect(conformanceProblems([exchange({ status: 503, contentType: 'text/plain', responseText: 'x' })])).not.toEqual(
      [],
    )
    const created = exchange({ method: 'POST', path: '/epayment/v1/payments', status: 201 })
    expect(conformanceProblems([{ ...created, responseText: '{"reference":"ref-00000001"}' }])).toEqual([])
  })

  it('records every answer on a Vipps path, and nothing of the control API', async () => {
    await sim().createPayment()
    await sim().control('GET', '/payments')
    await sim().vipps('GET', '/epayment/v1/payments/ref-00000001')
    expect(sim().exchanges.map((e) => `${e.method} ${e.path} ${e.status}`)).toEqual([
      'POST /accesstoken/get 200',
      'POST /epayment/v1/payments 201',
      'GET /epayment/v1/payments/ref-00000001 200',
    ])
  })
})
