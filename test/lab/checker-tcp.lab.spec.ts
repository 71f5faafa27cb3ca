import { withCheckers } from './checker-modules';
import { mirrorScenario } from './lab-scenario';

// Issue 12 / reference §5.12: a tcp checker on the application's own port, started with the
// primary's window. The application dies: the connection is refused, tcp.web goes down by
// tcpcheck and its generated rule t_web restarts the application on the same node.
const userconfig = withCheckers(`<check>
      <tcp ident="web" when="prim" action="restart"><to addr="127.0.0.1" port="8080" interval="1s" timeout="1s"/></tcp>
    </check>`);

mirrorScenario(
  'checker tcp',
  (c) => {
    test('the application killed on the PRIM: tcp.web down, t_web restarts it, PRIM Ready again', async () => {
      expect(c().lab.kill('node1', 'createServer')).not.toHaveLength(0);
      await c().waitLog('node1', / I Action restart from failover rule t_web/, 20);
      await c().waitState('node1', 'PRIM', 20);
      const log = await c().log('node1');
      expect(log).toMatch(/ I Resource tcp\.web set to down by tcpcheck/);
      expect(log).toMatch(/ E tcp\.web: connection to 127\.0\.0\.1:8080 failed: ECONNREFUSED/);
      expect(await c().hit('node1')).toMatch(/^hello from node1/);
      await c().waitLog(
        'node1',
        /tcp\.web set to down by tcpcheck[\s\S]* I Resource tcp\.web set to up by tcpcheck/,
        20,
      );
      expect(await c().state('node2')).toBe('SECOND (Ready)');
    });
  },
  { userconfig },
);
