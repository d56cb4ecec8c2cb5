package com.oversoc.mesh.coordinator.cluster;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.Pool;
import com.oversoc.mesh.coordinator.mesh.MeshChange;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.JSerializer;

/**
 * Serializes the coordinator's cluster messages ({@link MeshChange}) with Kryo. Registration is
 * required: only the classes listed in {@link #register} can be written or read, each under a
 * fixed id, so a replica never instantiates a class it was not built to expect (the classic
 * deserialization hole) and ids do not depend on registration order at run time.
 */
public final class KryoSerializer extends JSerializer {
  /** Pekko serializer id; unique among the serializers of one actor system. */
  public static final int IDENTIFIER = 741_001;
  /** Longest serialized message: change events carry ids only. */
  private static final int MAX_BYTES = 1024 * 1024;

  private static final Pool<Kryo> POOL = new Pool<>(true, false, 16) {
    @Override
    protected Kryo create() {
      return newKryo();
    }
  };

  /** Pekko instantiates serializers reflectively with the actor system. */
  public KryoSerializer(ExtendedActorSystem system) {}

  /** A Kryo instance that accepts exactly the coordinator's cluster messages. */
  public static Kryo newKryo() {
    Kryo kryo = new Kryo();
    kryo.setRegistrationRequired(true);
    kryo.setReferences(false);
    register(kryo);
    return kryo;
  }

  /** The allowed classes and their wire ids. Append only: never renumber. */
  static void register(Kryo kryo) {
    kryo.register(long[].class, 100);
    kryo.register(MeshChange.NodesChanged.class, 101);
    kryo.register(MeshChange.PolicyChanged.class, 102);
  }

  @Override
  public int identifier() {
    return IDENTIFIER;
  }

  @Override
  public boolean includeManifest() {
    return false;
  }

  @Override
  public byte[] toBinary(Object o) {
    Kryo kryo = POOL.obtain();
    try (Output out = new Output(256, MAX_BYTES)) {
      kryo.writeClassAndObject(out, o);
      return out.toBytes();
    } finally {
      POOL.free(kryo);
    }
  }

  @Override
  public Object fromBinaryJava(byte[] bytes, Class<?> manifest) {
    Kryo kryo = POOL.obtain();
    try (Input in = new Input(bytes)) {
      return kryo.readClassAndObject(in);
    } finally {
      POOL.free(kryo);
    }
  }
}
